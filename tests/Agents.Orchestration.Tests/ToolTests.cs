using System.ComponentModel;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Agents.Orchestration.Tests;

public class ToolTests
{
    [Fact]
    public void FromDelegate_DerivesNameDescriptionAndSchemaFromTheSignature()
    {
        var tool = AgentTool.FromDelegate(
            ([Description("The city")] string city, int days = 3) => $"{city}:{days}",
            "forecast",
            "Weather forecast.");

        Assert.Equal("forecast", tool.Name);
        Assert.Equal("Weather forecast.", tool.Description);
        var schema = tool.Definition.ParametersSchema;
        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.Equal("string", schema.GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        Assert.Equal("The city", schema.GetProperty("properties").GetProperty("city").GetProperty("description").GetString());
        Assert.Equal("integer", schema.GetProperty("properties").GetProperty("days").GetProperty("type").GetString());
        Assert.Equal(["city"], schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.False(tool.IsDangerous);
        Assert.Null(tool.Timeout);
    }

    [Fact]
    public void FromMethod_UsesTheMethodNameByDefault()
    {
        var tool = AgentTool.FromMethod(typeof(ToolTests).GetMethod(nameof(Square))!, target: null);

        Assert.Equal(nameof(Square), tool.Name);
        Assert.Equal("Squares a number.", tool.Description);
    }

    [Description("Squares a number.")]
    public static double Square(double x) => x * x;

    [Fact]
    public void FromAIFunction_KeepsTheFunctionAndItsMetadata()
    {
        var function = AIFunctionFactory.Create((string text) => text.Length, "length", "Counts characters.");

        var tool = AgentTool.FromAIFunction(function, isDangerous: true, timeout: TimeSpan.FromSeconds(1));

        Assert.Same(function, tool.Function);
        Assert.True(tool.IsDangerous);
        Assert.Equal(TimeSpan.FromSeconds(1), tool.Timeout);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("ünïcode")]
    public void FromDelegate_InvalidName_Throws(string name) =>
        Assert.Throws<ArgumentException>(() => AgentTool.FromDelegate(() => 1, name));

    [Fact]
    public void FromDelegate_NonPositiveTimeout_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => AgentTool.FromDelegate(() => 1, "t", timeout: TimeSpan.Zero));

    [Fact]
    public void Handoff_IsNamedAfterItsTargetAndTakesNoArguments()
    {
        var tool = AgentTool.Handoff("billing");

        Assert.Equal("transfer_to_billing", tool.Name);
        Assert.Equal("billing", tool.HandoffTarget);
        Assert.Contains("billing", tool.Description, StringComparison.Ordinal);
        Assert.Empty(tool.Definition.ParametersSchema.GetProperty("properties").EnumerateObject());
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("{}", false)]
    [InlineData("""{"city":"Oslo"}""", false)]
    [InlineData("""{"city":"Oslo","days":"x"}""", false)]
    [InlineData("""{"city":"Oslo","days":2}""", true)]
    public void Validator_ChecksRequiredPropertiesAndTypes(string json, bool expectValid)
    {
        var tool = AgentTool.FromDelegate((string city, int days) => city, "forecast");

        var valid = tool.Validator.TryValidate(json, out var arguments, out var error);

        Assert.Equal(expectValid, valid);
        Assert.Equal(expectValid, error is null);
        Assert.Equal(expectValid ? JsonValueKind.Object : JsonValueKind.Undefined, arguments.ValueKind);
    }

    [Fact]
    public void Calculator_EvaluatesAnExpression()
    {
        var tool = BuiltInTools.Calculator();

        Assert.Equal("calculator", tool.Name);
        Assert.True(tool.Validator.TryValidate("""{"expression":"1+1"}""", out _, out _));
        Assert.False(tool.Validator.TryValidate("{}", out _, out var error));
        Assert.Contains("expression", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CurrentTime_UsesTheInjectedClockAndTimeZone()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 14, 15, 9, 26, TimeSpan.Zero));
        var tool = BuiltInTools.CurrentTime(clock);

        var utc = ToolExecutor.Format(await tool.Function.InvokeAsync(new AIFunctionArguments()));
        var tokyo = ToolExecutor.Format(await tool.Function.InvokeAsync(new AIFunctionArguments { ["timeZone"] = "Asia/Tokyo" }));

        Assert.Equal("2026-03-14T15:09:26+00:00 (Saturday)", utc);
        Assert.Equal("2026-03-15T00:09:26+09:00 (Sunday)", tokyo);
        await Assert.ThrowsAsync<AgentToolException>(async () => await tool.Function.InvokeAsync(new AIFunctionArguments { ["timeZone"] = "Mars/Olympus" }));
    }

    [Theory]
    [InlineData("1 + 2 * 3", 7)]
    [InlineData("(1 + 2) * 3", 9)]
    [InlineData("2 ^ 3 ^ 2", 512)]
    [InlineData("-2 ^ 2", 4)]
    [InlineData("10 / 4", 2.5)]
    [InlineData("10 % 4", 2)]
    [InlineData("sqrt(16) + abs(-3)", 7)]
    [InlineData("max(2, 9) - min(2, 9)", 7)]
    [InlineData("round(2.345, 2)", 2.35)]
    [InlineData("floor(2.7) + ceil(2.1)", 5)]
    [InlineData("1.5e3 + 2E-1", 1500.2)]
    [InlineData("2 * pi", 2 * Math.PI)]
    [InlineData("ln(e)", 1)]
    [InlineData("log10(1000)", 3)]
    [InlineData("  +4 -  -1 ", 5)]
    public void ArithmeticExpression_Evaluates(string expression, double expected) =>
        Assert.Equal(expected, ArithmeticExpression.Evaluate(expression), 10);
}
