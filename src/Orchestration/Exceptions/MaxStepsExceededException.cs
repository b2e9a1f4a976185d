namespace Agents.Orchestration;

/// <summary>An agent run took its maximum number of steps without reaching a final answer; <see cref="AgentException.Transcript"/> holds the work so far.</summary>
public sealed class MaxStepsExceededException : AgentException
{
    /// <summary>Creates the exception.</summary>
    public MaxStepsExceededException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public MaxStepsExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The failure behind it.</param>
    public MaxStepsExceededException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets or sets the step limit that was reached.</summary>
    public int MaxSteps { get; init; }
}
