using System.Diagnostics;

namespace Agents.Orchestration;

/// <summary>
/// The spans of agent runs, after the OpenTelemetry GenAI conventions: <c>invoke_agent {name}</c> per run, one span per
/// step, and <c>execute_tool {tool}</c> per tool call. Listen to <see cref="SourceName"/> (for example
/// <c>AddSource("Agents.Orchestration")</c>) to record them.
/// </summary>
public static class AgentTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> agents record their spans with.</summary>
    public const string SourceName = "Agents.Orchestration";

    internal const string OperationName = "gen_ai.operation.name";
    internal const string AgentName = "gen_ai.agent.name";
    internal const string AgentDescription = "gen_ai.agent.description";
    internal const string ToolName = "gen_ai.tool.name";
    internal const string ToolCallId = "gen_ai.tool.call.id";
    internal const string ToolType = "gen_ai.tool.type";
    internal const string ToolDescription = "gen_ai.tool.description";
    internal const string ErrorType = "error.type";
    internal const string UsageInputTokens = "gen_ai.usage.input_tokens";
    internal const string UsageOutputTokens = "gen_ai.usage.output_tokens";
    internal const string StepIndex = "agents.step.index";
    internal const string StepToolCalls = "agents.step.tool_calls";
    internal const string RunSteps = "agents.run.steps";
    internal const string ToolStatus = "agents.tool.status";
    internal const string HandoffTo = "agents.handoff.to";

    internal static readonly ActivitySource Source = new(SourceName);

    internal static Activity? StartRun(string agentName, string? description)
    {
        var activity = Source.StartActivity("invoke_agent " + agentName, ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag(OperationName, "invoke_agent");
            activity.SetTag(AgentName, agentName);
            if (description is not null)
            {
                activity.SetTag(AgentDescription, description);
            }
        }

        return activity;
    }

    internal static Activity? StartStep(string agentName, int step)
    {
        var activity = Source.StartActivity("agent_step " + agentName, ActivityKind.Internal);
        activity?.SetTag(AgentName, agentName);
        activity?.SetTag(StepIndex, step);
        return activity;
    }

    internal static Activity? StartTool(string agentName, ToolCall call, AgentTool? tool)
    {
        var activity = Source.StartActivity("execute_tool " + call.Name, ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag(OperationName, "execute_tool");
            activity.SetTag(AgentName, agentName);
            activity.SetTag(ToolName, call.Name);
            activity.SetTag(ToolCallId, call.Id);
            activity.SetTag(ToolType, "function");
            if (tool?.Description is { } description)
            {
                activity.SetTag(ToolDescription, description);
            }
        }

        return activity;
    }

    internal static void Fail(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.SetTag(ErrorType, exception is OperationCanceledException ? "cancelled" : exception.GetType().FullName);
    }
}
