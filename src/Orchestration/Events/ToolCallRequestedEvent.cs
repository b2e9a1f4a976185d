namespace Agents.Orchestration;

/// <summary>The model asked for a tool call (not yet checked or run).</summary>
/// <param name="AgentName">The agent running.</param>
/// <param name="Step">The generate step, from 1.</param>
/// <param name="Call">The call as the model wrote it.</param>
public sealed record ToolCallRequestedEvent(string AgentName, int Step, ToolCall Call) : AgentEvent(AgentName, Step);
