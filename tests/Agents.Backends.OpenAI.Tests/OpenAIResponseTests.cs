using Agents.Backends.Testing;

namespace Agents.Backends.OpenAI.Tests;

public sealed class OpenAIResponseTests
{
    [Fact]
    public async Task GenerateAsync_Success_ReturnsTextUsageWithCachedTokensAndIds()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, OpenAITestHost.Completion);

        var result = await host.Generator.GenerateAsync("Hi");

        Assert.Equal("Hello there.", result.Text);
        Assert.Equal(FinishReason.Stop, result.FinishReason);
        Assert.Equal(new Usage { PromptTokens = 12, CompletionTokens = 3, CachedPromptTokens = 8 }, result.Usage);
        Assert.Equal("gpt-test-2025", result.ModelId);
        Assert.Equal("chatcmpl-42", result.ResponseId);
        Assert.NotNull(result.Timings?.Total);
    }

    [Fact]
    public async Task GenerateAsync_ToolCallsAndLength_MapsToolCallsAndFinishReason()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, """
            {"id":"c","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,
             "tool_calls":[{"id":"call_9","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}}]},
             "finish_reason":"tool_calls"}]}
            """);

        var result = await host.Generator.GenerateAsync("Weather?");

        Assert.Equal(FinishReason.ToolCalls, result.FinishReason);
        Assert.Equal(new ToolCall("call_9", "get_weather", """{"city":"Oslo"}"""), Assert.Single(result.Message.ToolCalls));
        Assert.Null(result.Usage);
    }

    [Fact]
    public async Task StreamAsync_TextChunksAndUsage_YieldsTextThenFinalUpdateWithUsage()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Sse(ctx,
        [
            OpenAITestHost.TextChunk("Hel"),
            ": keep-alive comment\n\n",
            OpenAITestHost.TextChunk("lo"),
            OpenAITestHost.FinishChunk("length"),
            OpenAITestHost.UsageChunk(20, 2, 16),
            OpenAITestHost.Done,
        ]);

        var updates = new List<GenerationUpdate>();
        await foreach (var update in host.Generator.StreamAsync("Hi"))
        {
            updates.Add(update);
        }

        Assert.Equal(["Hel", "lo", string.Empty], updates.Select(u => u.Text));
        var last = updates[^1];
        Assert.Equal(FinishReason.Length, last.FinishReason);
        Assert.Equal(new Usage { PromptTokens = 20, CompletionTokens = 2, CachedPromptTokens = 16 }, last.Usage);
        Assert.Equal("gpt-test-2025", last.ModelId);
        Assert.Equal("chatcmpl-1", last.ResponseId);
        Assert.NotNull(last.Timings?.TimeToFirstToken);
    }

    [Fact]
    public async Task StreamAsync_ToolCallFragments_ReassemblesArgumentsPerIndex()
    {
        await using var host = await OpenAITestHost.StartAsync();
        static string ToolDelta(string json) => OpenAITestHost.Frame(
            $$"""{"id":"c1","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{{json}}]},"finish_reason":null}]}""");
        host.Server.Handler = ctx => RecordingServer.Sse(ctx,
        [
            ToolDelta("""{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}}"""),
            ToolDelta("""{"index":0,"function":{"arguments":"{\"ci"}}"""),
            ToolDelta("""{"index":1,"id":"call_b","type":"function","function":{"name":"get_time","arguments":"{\"tz\":"}}"""),
            ToolDelta("""{"index":0,"function":{"arguments":"ty\":\"Oslo\"}"}}"""),
            ToolDelta("""{"index":1,"function":{"arguments":"\"UTC\"}"}}"""),
            OpenAITestHost.FinishChunk("tool_calls"),
            OpenAITestHost.Done,
        ]);

        var result = await host.Generator.StreamAsync("Weather and time?").ToResultAsync();

        Assert.Equal(FinishReason.ToolCalls, result.FinishReason);
        Assert.Equal(
            [new ToolCall("call_a", "get_weather", """{"city":"Oslo"}"""), new ToolCall("call_b", "get_time", """{"tz":"UTC"}""")],
            result.Message.ToolCalls);
    }

    [Fact]
    public async Task StreamAsync_LogProbabilitiesRequested_ReadsThemPerChunk()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Sse(ctx,
        [
            OpenAITestHost.Frame("""{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":{"content":[{"token":"Hi","logprob":-0.25,"bytes":[72,105],"top_logprobs":[]}]},"finish_reason":null}]}"""),
            OpenAITestHost.Frame("""{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"!"},"logprobs":{"content":[{"token":"!","logprob":-1.5,"bytes":[33],"top_logprobs":[]}]},"finish_reason":"stop"}]}"""),
            OpenAITestHost.Done,
        ]);

        var result = await host.Generator.StreamAsync("Hi", new GenerationOptions { IncludeLogProbabilities = true }).ToResultAsync();

        Assert.True(host.Server.LastRequest.Json.GetProperty("logprobs").GetBoolean());
        Assert.Equal([new TokenLogProbability("Hi", -0.25), new TokenLogProbability("!", -1.5)], result.LogProbabilities);
    }

    [Fact]
    public async Task StreamAsync_SlowStreamWithinTimeout_CompletesWithAllText()
    {
        await using var host = await OpenAITestHost.StartAsync(o => o.Timeout = TimeSpan.FromSeconds(5));
        host.Server.Handler = ctx => RecordingServer.Sse(ctx,
            [OpenAITestHost.TextChunk("one "), OpenAITestHost.TextChunk("two "), OpenAITestHost.TextChunk("three"), OpenAITestHost.Done],
            delay: TimeSpan.FromMilliseconds(150));

        var result = await host.Generator.StreamAsync("Count").ToResultAsync();

        Assert.Equal("one two three", result.Text);
    }

    [Fact]
    public async Task ListModelsAsync_ModelList_ReturnsIdsOwnersAndDates()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, """
            {"object":"list","data":[{"id":"gpt-test","object":"model","created":1700000000,"owned_by":"openai"},{"id":"local.gguf","object":"model"}]}
            """);

        var models = await host.Generator.ListModelsAsync();

        Assert.Equal("GET", host.Server.LastRequest.Method);
        Assert.Equal("/v1/models", host.Server.LastRequest.Path);
        Assert.Equal(
            [new OpenAIModelInfo("gpt-test", "openai", DateTimeOffset.FromUnixTimeSeconds(1700000000)), new OpenAIModelInfo("local.gguf")],
            models);
    }

    [Fact]
    public async Task GetService_Metadata_DescribesProviderEndpointModelAndCapabilities()
    {
        await using var host = await OpenAITestHost.StartAsync(o => o.ContextWindow = 8192);

        var metadata = host.Generator.GetMetadata();

        Assert.NotNull(metadata);
        Assert.Equal("openai", metadata.ProviderName);
        Assert.Equal("gpt-test", metadata.ModelId);
        Assert.Equal(8192, metadata.ContextWindow);
        Assert.Equal(host.Server.BaseAddress, metadata.Endpoint);
        Assert.True(metadata.Supports(GeneratorCapabilities.Streaming | GeneratorCapabilities.Tools | GeneratorCapabilities.JsonSchema));
        Assert.False(metadata.Supports(GeneratorCapabilities.BeamSearch));
        Assert.Same(host.Generator, host.Generator.GetService<OpenAIGenerator>());
    }

    [Fact]
    public async Task GenerateAsync_NoKeyConfigured_SendsNoAuthorizationHeader()
    {
        await using var server = await RecordingServer.StartAsync();
        server.Handler = ctx => RecordingServer.Json(ctx, 200, OpenAITestHost.Completion);
        using var client = new HttpClient();

        // The ambient OPENAI_API_KEY (if any) would be used, so the test only runs the assertion on what was resolved.
        var options = new OpenAIGeneratorOptions { Endpoint = server.BaseAddress, Model = "local" };
        using var generator = new OpenAIGenerator(client, options);
        await generator.GenerateAsync("Hi");

        var expected = options.ResolveApiKey() is { } key ? "Bearer " + key : null;
        Assert.Equal(expected, server.LastRequest.Header("authorization"));
    }
}
