namespace Agents.Orchestration;

/// <summary>The base of failures of an agent run (as opposed to failures of the generator it runs on).</summary>
public class AgentException : GeneratorException
{
    /// <summary>Creates the exception.</summary>
    public AgentException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public AgentException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The failure behind it.</param>
    public AgentException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets or sets the name of the agent that failed.</summary>
    public string? AgentName { get; init; }

    /// <summary>Gets or sets the conversation as it stood when the run failed (input first).</summary>
    /// <value>Empty when unknown.</value>
    public IReadOnlyList<Message> Transcript { get; init; } = [];
}
