using System.Text.Json;
using Agents.Backends.Testing;

namespace Agents.Backends.Anthropic.Tests;

/// <summary><see cref="GenerationOptions.ToolChoice"/> reaches the Messages API as <c>tool_choice</c>.</summary>
public sealed class AnthropicToolChoiceTests
{
    private const string Tools =
        """[{"name":"get_weather","input_schema":{"type":"object"}},{"name":"get_time","input_schema":{"type":"object"}}]""";

    private static readonly JsonElement Schema = JsonDocument.Parse("""{"type":"object"}""").RootElement;

    public static TheoryData<string, bool?, string> Choices => new()
    {
        { "auto", null, """{"type":"auto"}""" },
        { "none", null, """{"type":"none"}""" },
        { "required", null, """{"type":"any"}""" },
        { "get_time", null, """{"type":"tool","name":"get_time"}""" },
        { "auto", false, """{"type":"auto","disable_parallel_tool_use":true}""" },
        { "required", false, """{"type":"any","disable_parallel_tool_use":true}""" },
        { "get_time", false, """{"type":"tool","name":"get_time","disable_parallel_tool_use":true}""" },

        // "none" takes no parallel flag in the API: there are no calls to serialise.
        { "none", false, """{"type":"none"}""" },
        { "required", true, """{"type":"any"}""" },
        { "", false, """{"type":"auto","disable_parallel_tool_use":true}""" },
    };

    [Theory]
    [MemberData(nameof(Choices))]
    public async Task GenerateAsync_ToolChoiceWithTools_SendsExactToolChoice(string choice, bool? parallel, string expected)
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, AnthropicTestHost.Message);
        var options = WithTools(Parse(choice));
        options.AllowParallelToolCalls = parallel;

        await host.Generator.GenerateAsync(Request(options));

        Assert.Equal(
            $$$"""{"model":"claude-test","max_tokens":4096,"messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}],"tools":{{{Tools}}},"tool_choice":{{{expected}}}}""",
            host.Server.LastRequest.Body);
    }

    [Fact]
    public async Task GenerateAsync_NoToolChoiceAndParallelAllowed_SendsNoToolChoice()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, AnthropicTestHost.Message);
        var options = WithTools(null);
        options.AllowParallelToolCalls = true;

        await host.Generator.GenerateAsync(Request(options));

        Assert.False(host.Server.LastRequest.Json.TryGetProperty("tool_choice", out _));
        Assert.Equal(2, host.Server.LastRequest.Json.GetProperty("tools").GetArrayLength());
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("none")]
    public async Task GenerateAsync_ChoiceThatHoldsWithoutTools_IsDroppedWithoutTools(string choice)
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, AnthropicTestHost.Message);

        await host.Generator.GenerateAsync(Request(new GenerationOptions { ToolChoice = Parse(choice) }));

        Assert.Equal(
            """{"model":"claude-test","max_tokens":4096,"messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}]}""",
            host.Server.LastRequest.Body);
    }

    [Theory]
    [InlineData("required", "a tool call")]
    [InlineData("get_time", "a call of 'get_time'")]
    public async Task GenerateAsync_RequiredCallWithoutTools_ThrowsInvalidRequestWithoutCallingServer(string choice, string named)
    {
        await using var host = await AnthropicTestHost.StartAsync();

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() =>
            host.Generator.GenerateAsync(Request(new GenerationOptions { ToolChoice = Parse(choice) })));

        Assert.Equal(nameof(GenerationOptions.ToolChoice), ex.Parameter);
        Assert.Equal(AnthropicGenerator.ProviderName, ex.Provider);
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
        Assert.Empty(host.Server.Requests);
    }

    [Fact]
    public async Task StreamAsync_NamedFunctionNotOffered_ThrowsInvalidRequestNamingIt()
    {
        await using var host = await AnthropicTestHost.StartAsync();

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() =>
            host.Generator.StreamAsync(Request(WithTools(ToolChoice.Function("lookup")))).ToResultAsync());

        Assert.Equal(nameof(GenerationOptions.ToolChoice), ex.Parameter);
        Assert.Contains("'lookup'", ex.Message, StringComparison.Ordinal);
        Assert.Empty(host.Server.Requests);
    }

    private static ToolChoice? Parse(string choice) => choice switch
    {
        "" => null,
        "auto" => ToolChoice.Auto,
        "none" => ToolChoice.None,
        "required" => ToolChoice.Required,
        _ => ToolChoice.Function(choice),
    };

    private static GenerationOptions WithTools(ToolChoice? choice) => new()
    {
        Tools = [new ToolDefinition("get_weather", null, Schema), new ToolDefinition("get_time", null, Schema)],
        ToolChoice = choice,
    };

    private static GenerationRequest Request(GenerationOptions options) => new([Message.User("Hi")], options);
}
