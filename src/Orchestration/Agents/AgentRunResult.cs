namespace Agents.Orchestration;

/// <summary>The outcome of an agent run: the final answer and the conversation it completes.</summary>
public sealed class AgentRunResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="agentName">The agent that gave the final answer.</param>
    /// <param name="messages">The whole conversation: the input, then every message the run added.</param>
    /// <param name="newMessageCount">How many of <paramref name="messages"/> the run added.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="newMessageCount"/> is negative or larger than the conversation.</exception>
    public AgentRunResult(string agentName, IReadOnlyList<Message> messages, int newMessageCount)
    {
        ArgumentNullException.ThrowIfNull(agentName);
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentOutOfRangeException.ThrowIfNegative(newMessageCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(newMessageCount, messages.Count);
        AgentName = agentName;
        Messages = messages;
        NewMessageCount = newMessageCount;
    }

    /// <summary>Gets the name of the agent that gave the final answer.</summary>
    public string AgentName { get; }

    /// <summary>Gets the whole conversation (input first), ready to pass to the next run with a new user message.</summary>
    public IReadOnlyList<Message> Messages { get; }

    /// <summary>Gets how many of <see cref="Messages"/> this run added (assistant turns, tool calls, tool results).</summary>
    public int NewMessageCount { get; }

    /// <summary>Gets the messages this run added.</summary>
    public IEnumerable<Message> NewMessages => Messages.Skip(Messages.Count - NewMessageCount);

    /// <summary>Gets the final answer's text.</summary>
    /// <value>The text of the last assistant message; empty when there is none (a handoff).</value>
    public string Text => Messages.LastOrDefault(m => m.Role == MessageRole.Assistant)?.Text ?? string.Empty;

    /// <summary>Gets or sets how many generate steps the run took.</summary>
    public int Steps { get; init; }

    /// <summary>Gets or sets the tokens every generation of the run read and wrote, added up.</summary>
    public Usage Usage { get; init; } = new();

    /// <summary>Gets or sets the agent the conversation was handed to, when the run ended with a handoff.</summary>
    /// <value><see langword="null"/> when the run ended with a final answer.</value>
    public string? HandoffTo { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Text;
}
