namespace Agents.Orchestration;

/// <summary>The run ended with a final answer (or a handoff); the last event of a run.</summary>
/// <param name="AgentName">The agent running.</param>
/// <param name="Step">The last generate step, from 1.</param>
/// <param name="Result">The outcome of the run.</param>
public sealed record AgentFinalAnswerEvent(string AgentName, int Step, AgentRunResult Result) : AgentEvent(AgentName, Step);
