using System.Diagnostics;

namespace Agents.Orchestration.Tests;

public class TelemetryTests
{
    [Fact]
    public async Task RunAsync_RecordsRunStepAndToolSpansWithGenAiAttributes()
    {
        using var recorder = new ActivityRecorder(AgentTelemetry.SourceName);
        var options = new AgentOptions { Name = "tracer", Description = "Traces things." };
        options.Tools.Add(BuiltInTools.Calculator());
        var script = new ScriptedGenerator().ThenCall(("calculator", """{"expression":"1+1"}"""), ("nope", "{}")).ThenAnswer("2");

        await new Agent(script.Generator, options).RunAsync("1+1?");

        var spans = recorder.Stopped.ToList();
        var run = Assert.Single(spans, s => s.DisplayName == "invoke_agent tracer");
        Assert.Equal("invoke_agent", run.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("tracer", run.GetTagItem("gen_ai.agent.name"));
        Assert.Equal("Traces things.", run.GetTagItem("gen_ai.agent.description"));
        Assert.Equal(2, run.GetTagItem("agents.run.steps"));
        Assert.Equal(20, run.GetTagItem("gen_ai.usage.input_tokens"));

        var steps = spans.Where(s => s.DisplayName == "agent_step tracer").ToList();
        Assert.Equal(2, steps.Count);
        Assert.All(steps, s => Assert.Equal(run.SpanId, s.ParentSpanId));
        Assert.Equal([1, 2], steps.Select(s => (int)s.GetTagItem("agents.step.index")!).Order());

        var tool = Assert.Single(spans, s => s.DisplayName == "execute_tool calculator");
        Assert.Equal("execute_tool", tool.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("calculator", tool.GetTagItem("gen_ai.tool.name"));
        Assert.Equal("function", tool.GetTagItem("gen_ai.tool.type"));
        Assert.NotNull(tool.GetTagItem("gen_ai.tool.call.id"));
        Assert.Equal(ActivityStatusCode.Unset, tool.Status);
        Assert.Contains(steps, s => s.SpanId == tool.ParentSpanId);

        var unknown = Assert.Single(spans, s => s.DisplayName == "execute_tool nope");
        Assert.Equal(ActivityStatusCode.Error, unknown.Status);
        Assert.Equal("UnknownTool", unknown.GetTagItem("error.type"));
    }

    [Fact]
    public async Task RunAsync_Failure_MarksTheRunSpanAsError()
    {
        using var recorder = new ActivityRecorder(AgentTelemetry.SourceName);
        var options = new AgentOptions { Name = "loops", MaxSteps = 1 };
        options.Tools.Add(BuiltInTools.Calculator());
        var script = new ScriptedGenerator().ThenCall(("calculator", """{"expression":"1"}"""));

        await Assert.ThrowsAsync<MaxStepsExceededException>(() => new Agent(script.Generator, options).RunAsync("go"));

        var run = Assert.Single(recorder.Stopped, s => s.DisplayName == "invoke_agent loops");
        Assert.Equal(ActivityStatusCode.Error, run.Status);
        Assert.Equal(typeof(MaxStepsExceededException).FullName, run.GetTagItem("error.type"));
    }
}
