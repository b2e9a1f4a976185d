namespace Agents.Evaluation;

/// <summary>The judge model did not produce a valid verdict, even after being asked to repair its reply.</summary>
public sealed class JudgeOutputException : GeneratorException
{
    /// <summary>Creates the exception.</summary>
    public JudgeOutputException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public JudgeOutputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public JudgeOutputException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the judge's last reply, cut to 500 characters.</summary>
    public string? LastReply { get; init; }

    /// <summary>Gets the number of replies the judge was given to get it right.</summary>
    public int Attempts { get; init; }
}
