using Microsoft.Extensions.Logging;

namespace Agents.Orchestration;

/// <summary>The agent's log messages. Tool arguments and results are prompt text, so they are never logged here.</summary>
internal static partial class AgentLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Agent {AgentName} finished in {Steps} step(s).")]
    public static partial void RunFinished(ILogger logger, string agentName, int steps);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Agent {AgentName} reached its limit of {MaxSteps} steps without a final answer.")]
    public static partial void MaxStepsReached(ILogger logger, string agentName, int maxSteps);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Agent {AgentName}: the call of tool {ToolName} was refused ({Status}).")]
    public static partial void ToolRefused(ILogger logger, string agentName, string toolName, ToolCallStatus status);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Agent {AgentName}: tool {ToolName} timed out after {Timeout}.")]
    public static partial void ToolTimedOut(ILogger logger, string agentName, string toolName, TimeSpan timeout);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Agent {AgentName}: tool {ToolName} failed.")]
    public static partial void ToolFailed(ILogger logger, string agentName, string toolName, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Agent {AgentName}: the output of tool {ToolName} was flagged by the content guard (blocked: {Blocked}; findings: {Findings}).")]
    public static partial void ToolOutputFlagged(ILogger logger, string agentName, string toolName, bool blocked, string findings);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "Agent {AgentName}: the conversation was trimmed to the token budget.")]
    public static partial void HistoryTrimmed(ILogger logger, string agentName);
}
