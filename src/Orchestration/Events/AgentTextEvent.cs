namespace Agents.Orchestration;

/// <summary>Text the model wrote, as it streams in.</summary>
/// <param name="AgentName">The agent running.</param>
/// <param name="Step">The generate step, from 1.</param>
/// <param name="Text">The text added.</param>
public sealed record AgentTextEvent(string AgentName, int Step, string Text) : AgentEvent(AgentName, Step);
