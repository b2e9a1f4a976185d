namespace Agents.Orchestration;

/// <summary>A tool call was answered: the text that goes back to the model, and how the call went.</summary>
/// <param name="AgentName">The agent running.</param>
/// <param name="Step">The generate step, from 1.</param>
/// <param name="Call">The call answered.</param>
/// <param name="Result">The text sent to the model as the tool's result (after size limits and the content guard).</param>
/// <param name="Status">How the call went.</param>
/// <param name="Findings">What the content guard found in the output; empty when nothing (or no guard).</param>
public sealed record ToolResultEvent(string AgentName, int Step, ToolCall Call, string Result, ToolCallStatus Status, IReadOnlyList<string> Findings)
    : AgentEvent(AgentName, Step);
