using System.Text;

namespace Agents.Orchestration.Tests;

public partial class HostileInputTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("1 +")]
    [InlineData("(1 + 2")]
    [InlineData("1 + 2)")]
    [InlineData("1 / 0")]
    [InlineData("5 % 0")]
    [InlineData("1 / (2 - 2)")]
    [InlineData("9 ^ 9 ^ 9")]
    [InlineData("1e308 * 10")]
    [InlineData("1e999999")]
    [InlineData("sqrt(-1)")]
    [InlineData("ln(0)")]
    [InlineData("0 ^ -1")]
    [InlineData("System.IO.File.Delete(\"/etc/passwd\")")]
    [InlineData("Process.Start('rm')")]
    [InlineData("exec(1)")]
    [InlineData("__import__('os')")]
    [InlineData("1; 2")]
    [InlineData("1,2")]
    [InlineData("x = 1")]
    [InlineData("1..2")]
    [InlineData("1.2.3")]
    [InlineData(".")]
    [InlineData("e1")]
    [InlineData("٣ + ٤")]
    [InlineData("１＋２")]
    [InlineData("1 + \u00002")]
    [InlineData("max(1)")]
    [InlineData("sqrt(1, 2)")]
    [InlineData("'1'")]
    [InlineData("$(whoami)")]
    public void Calculator_HostileOrMalformedExpression_FailsWithAClearError(string expression)
    {
        var ex = Assert.Throws<ArithmeticExpressionException>(() => ArithmeticExpression.Evaluate(expression));

        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        Assert.InRange(ex.Position, 0, Math.Max(0, expression.Length));
    }

    [Fact]
    public void Calculator_DeepNesting_FailsFastWithoutStackOverflow()
    {
        var deep = new string('(', 100_000) + "1" + new string(')', 100_000);
        var justDeep = new string('(', ArithmeticExpression.MaxDepth + 1) + "1" + new string(')', ArithmeticExpression.MaxDepth + 1);
        var unary = new string('-', 500) + "1";

        Assert.Contains("longer than", Assert.Throws<ArithmeticExpressionException>(() => ArithmeticExpression.Evaluate(deep)).Message, StringComparison.Ordinal);
        Assert.Contains("nests deeper", Assert.Throws<ArithmeticExpressionException>(() => ArithmeticExpression.Evaluate(justDeep)).Message, StringComparison.Ordinal);
        Assert.Contains("nests deeper", Assert.Throws<ArithmeticExpressionException>(() => ArithmeticExpression.Evaluate(unary)).Message, StringComparison.Ordinal);
        Assert.Equal(1, ArithmeticExpression.Evaluate(new string('(', ArithmeticExpression.MaxDepth) + "1" + new string(')', ArithmeticExpression.MaxDepth)));
    }

    [Fact]
    public void Calculator_LongestAllowedExpression_Evaluates()
    {
        var sum = new StringBuilder("1");
        while (sum.Length + 2 <= ArithmeticExpression.MaxLength)
        {
            sum.Append("+1");
        }

        Assert.Equal((sum.Length + 1) / 2, ArithmeticExpression.Evaluate(sum.ToString()));
        Assert.Throws<ArithmeticExpressionException>(() => ArithmeticExpression.Evaluate(sum + "+1"));
    }

    [Fact]
    public void Calculator_UnknownNameInError_IsCutShort()
    {
        var ex = Assert.Throws<ArithmeticExpressionException>(() => ArithmeticExpression.Evaluate(new string('a', 900)));

        Assert.True(ex.Message.Length < 120, ex.Message);
    }

    [Fact]
    public async Task CalculatorTool_HostileExpression_IsAnsweredToTheModelAsAnError()
    {
        var options = new AgentOptions { Name = "calc" };
        options.Tools.Add(BuiltInTools.Calculator());
        var script = new ScriptedGenerator()
            .ThenCall(("calculator", """{"expression":"System.Diagnostics.Process.Start(\"sh\")"}"""), ("calculator", """{"expression":"1/0"}"""))
            .ThenAnswer("no");

        var result = await new Agent(script.Generator, options).RunAsync("hack");

        var answers = result.Messages.Where(m => m.Role == MessageRole.Tool).Select(m => m.Text).ToList();
        Assert.StartsWith("Error: Invalid expression at position 1: unknown name 'system'", answers[0], StringComparison.Ordinal);
        Assert.Equal("Error: Invalid expression at position 2: division by zero.", answers[1]);
    }

    [Theory]
    [InlineData("\"just a string\"")]
    [InlineData("null")]
    [InlineData("{\"expression\":")]
    [InlineData("{\"expression\": 12}")]
    [InlineData("{\"expression\": \"1\", \"expression\": \"2\"}")]
    [InlineData("not json at all")]
    public async Task ToolArguments_Hostile_AreAnsweredAsInvalidArguments(string argumentsJson)
    {
        var options = new AgentOptions { Name = "calc" };
        options.Tools.Add(BuiltInTools.Calculator());
        var script = new ScriptedGenerator().ThenCall(("calculator", argumentsJson)).ThenAnswer("ok");

        var events = new List<AgentEvent>();
        await foreach (var e in new Agent(script.Generator, options).RunStreamingAsync("go"))
        {
            events.Add(e);
        }

        var result = events.OfType<ToolResultEvent>().Single();
        Assert.True(result.Status is ToolCallStatus.InvalidArguments or ToolCallStatus.Succeeded, result.Result);
        if (result.Status == ToolCallStatus.InvalidArguments)
        {
            Assert.StartsWith("Error: invalid arguments for tool 'calculator'.", result.Result, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ToolArguments_DeeplyNestedJson_AreRejectedWithoutCrashing()
    {
        var options = new AgentOptions { Name = "calc" };
        options.Tools.Add(BuiltInTools.Calculator());
        var nested = "{\"expression\":" + new string('[', 10_000) + new string(']', 10_000) + "}";
        var script = new ScriptedGenerator().ThenCall(("calculator", nested)).ThenAnswer("ok");

        var result = await new Agent(script.Generator, options).RunAsync("go");

        Assert.Contains("not valid JSON", result.Messages.Single(m => m.Role == MessageRole.Tool).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToolResult_WithSplitSurrogatePairAtTheLimit_IsCutOnACharacterBoundary()
    {
        var options = new AgentOptions { Name = "emoji", MaxToolOutputLength = 64 };
        options.Tools.Add(AgentTool.FromDelegate(() => string.Concat(Enumerable.Repeat("😀", 200)), "smile"));
        var script = new ScriptedGenerator().ThenCall(("smile", "{}")).ThenAnswer("ok");

        var result = await new Agent(script.Generator, options).RunAsync("go");

        var text = result.Messages.Single(m => m.Role == MessageRole.Tool).Text;
        Assert.True(text.Length <= 64);
        var cut = text[..text.IndexOf('\n', StringComparison.Ordinal)];
        Assert.False(cut.Length > 0 && char.IsHighSurrogate(cut[^1]));
        Assert.Equal(0, cut.Length % 2);
    }

    [Fact]
    public async Task ToolCalls_WithoutIds_GetIdsTheirResultsAnswer()
    {
        var options = new AgentOptions { Name = "ids" };
        options.Tools.Add(BuiltInTools.Calculator());
        var script = new ScriptedGenerator()
            .Then(_ => ScriptedGenerator.CallResult(new ToolCall(string.Empty, "calculator", """{"expression":"1+1"}"""), new ToolCall(string.Empty, "calculator", """{"expression":"2+2"}""")))
            .ThenAnswer("ok");

        var result = await new Agent(script.Generator, options).RunAsync("go");

        Assert.Equal(["call_1_1", "call_1_2"], result.Messages[1].ToolCalls.Select(c => c.Id));
        Assert.Equal(["call_1_1", "call_1_2"], result.Messages.Where(m => m.Role == MessageRole.Tool).Select(m => m.ToolCallId));
    }

    [Fact]
    public async Task ToolOutput_GuardRunsOnTheCutText_SoAHugeOutputCannotStallIt()
    {
        var guard = new RecordingGuard();
        var options = new AgentOptions { Name = "big", ContentGuard = guard, MaxToolOutputLength = 500 };
        options.Tools.Add(AgentTool.FromDelegate(() => new string('a', 5_000_000), "flood"));
        var script = new ScriptedGenerator().ThenCall(("flood", "{}")).ThenAnswer("ok");

        await new Agent(script.Generator, options).RunAsync("go");

        Assert.True(Assert.Single(guard.Inspected).Text.Length <= 500);
    }
}
