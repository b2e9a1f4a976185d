namespace Agents.Orchestration;

/// <summary>A call of a dangerous tool waiting for the user's go-ahead (see <see cref="AgentOptions.ConfirmToolCall"/>).</summary>
/// <param name="AgentName">The agent that wants to make the call.</param>
/// <param name="Tool">The tool.</param>
/// <param name="Call">The call, with its (already validated) arguments.</param>
public sealed record ToolConfirmationRequest(string AgentName, AgentTool Tool, ToolCall Call);
