namespace Agents.Orchestration;

/// <summary>
/// Thrown by a tool to tell the model why a call failed: its message is sent back to the model as the tool's
/// result, so the model can correct the call. Other exceptions reach the model only as "the tool failed", so
/// their messages (which may hold internal details) never enter the prompt.
/// </summary>
public sealed class AgentToolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AgentToolException()
    {
    }

    /// <summary>Creates the exception with the message the model will read.</summary>
    /// <param name="message">What went wrong, written for the model.</param>
    public AgentToolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the message the model will read and the failure behind it.</summary>
    /// <param name="message">What went wrong, written for the model.</param>
    /// <param name="innerException">The failure behind it (not shown to the model).</param>
    public AgentToolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
