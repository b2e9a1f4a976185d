namespace Agents.Orchestration;

/// <summary>How one tool call went, and the text that answers it.</summary>
internal sealed record ToolOutcome(ToolCall Call, AgentTool? Tool, string Text, ToolCallStatus Status, IReadOnlyList<string> Findings);
