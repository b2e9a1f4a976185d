namespace Agents.Rag;

/// <summary>Where <see cref="RetrievalGenerator"/> puts the numbered sources.</summary>
public enum RetrievalContextPlacement
{
    /// <summary>A system message inserted just before the last user message.</summary>
    SystemMessage,

    /// <summary>
    /// Prepended to the text of the last user message, for chat templates that allow a system message only first
    /// or require strictly alternating turns.
    /// </summary>
    UserMessage,
}
