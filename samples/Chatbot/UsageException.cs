namespace Agents.Samples.Chatbot;

/// <summary>A problem with how the program was started (bad flag, missing model): one line on stderr, exit code 2.</summary>
public sealed class UsageException : Exception
{
    public UsageException()
        : base("invalid usage")
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
