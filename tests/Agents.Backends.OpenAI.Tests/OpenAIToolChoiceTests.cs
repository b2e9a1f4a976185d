using System.Text.Json;
using Agents.Backends.Testing;

namespace Agents.Backends.OpenAI.Tests;

/// <summary><see cref="GenerationOptions.ToolChoice"/> reaches Chat Completions as <c>tool_choice</c>.</summary>
public sealed class OpenAIToolChoiceTests
{
    private const string Tools =
        """[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}},{"type":"function","function":{"name":"get_time","parameters":{"type":"object"}}}]""";

    private static readonly JsonElement Schema = JsonDocument.Parse("""{"type":"object"}""").RootElement;

    public static TheoryData<string, string> Choices => new()
    {
        { "auto", "\"auto\"" },
        { "none", "\"none\"" },
        { "required", "\"required\"" },
        { "get_time", """{"type":"function","function":{"name":"get_time"}}""" },
    };

    [Theory]
    [MemberData(nameof(Choices))]
    public async Task GenerateAsync_ToolChoiceWithTools_SendsExactToolChoice(string choice, string expected)
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, OpenAITestHost.Completion);

        await host.Generator.GenerateAsync(Request(WithTools(Parse(choice))));

        Assert.Equal(
            $$$"""{"model":"gpt-test","messages":[{"role":"user","content":"Hi"}],"tools":{{{Tools}}},"tool_choice":{{{expected}}}}""",
            host.Server.LastRequest.Body);
    }

    [Fact]
    public async Task StreamAsync_NamedFunctionWithParallelOff_SendsToolChoiceBeforeParallelFlag()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Sse(ctx, [OpenAITestHost.TextChunk("a"), OpenAITestHost.Done]);
        var options = WithTools(ToolChoice.Function("get_weather"));
        options.AllowParallelToolCalls = false;

        await host.Generator.StreamAsync(Request(options)).ToResultAsync();

        Assert.Equal(
            $$$"""{"model":"gpt-test","messages":[{"role":"user","content":"Hi"}],"stream":true,"stream_options":{"include_usage":true},"tools":{{{Tools}}},"tool_choice":{"type":"function","function":{"name":"get_weather"}},"parallel_tool_calls":false}""",
            host.Server.LastRequest.Body);
    }

    [Fact]
    public async Task GenerateAsync_NoToolChoice_SendsNoToolChoice()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, OpenAITestHost.Completion);

        await host.Generator.GenerateAsync(Request(WithTools(null)));

        Assert.False(host.Server.LastRequest.Json.TryGetProperty("tool_choice", out _));
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("none")]
    public async Task GenerateAsync_ChoiceThatHoldsWithoutTools_IsDroppedWithoutTools(string choice)
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, OpenAITestHost.Completion);

        await host.Generator.GenerateAsync(Request(new GenerationOptions { ToolChoice = Parse(choice) }));

        Assert.Equal("""{"model":"gpt-test","messages":[{"role":"user","content":"Hi"}]}""", host.Server.LastRequest.Body);
    }

    [Theory]
    [InlineData("required", "a tool call")]
    [InlineData("get_time", "a call of 'get_time'")]
    public async Task GenerateAsync_RequiredCallWithoutTools_ThrowsInvalidRequestWithoutCallingServer(string choice, string named)
    {
        await using var host = await OpenAITestHost.StartAsync();

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() =>
            host.Generator.GenerateAsync(Request(new GenerationOptions { ToolChoice = Parse(choice), Tools = [] })));

        Assert.Equal(nameof(GenerationOptions.ToolChoice), ex.Parameter);
        Assert.Equal(OpenAIGenerator.ProviderName, ex.Provider);
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
        Assert.Empty(host.Server.Requests);
    }

    [Fact]
    public async Task GenerateAsync_NamedFunctionNotOffered_ThrowsInvalidRequestNamingIt()
    {
        await using var host = await OpenAITestHost.StartAsync();

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() =>
            host.Generator.GenerateAsync(Request(WithTools(ToolChoice.Function("get_Weather")))));

        Assert.Equal(nameof(GenerationOptions.ToolChoice), ex.Parameter);
        Assert.Contains("'get_Weather'", ex.Message, StringComparison.Ordinal);
        Assert.Empty(host.Server.Requests);
    }

    private static ToolChoice Parse(string choice) => choice switch
    {
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
