namespace Agents.Orchestration;

/// <summary>Something that happened during a streamed agent run (see <see cref="Agent.RunStreamingAsync(IReadOnlyList{Message}, CancellationToken)"/>).</summary>
/// <param name="AgentName">The agent running.</param>
/// <param name="Step">The generate step it happened in, from 1.</param>
public abstract record AgentEvent(string AgentName, int Step);
