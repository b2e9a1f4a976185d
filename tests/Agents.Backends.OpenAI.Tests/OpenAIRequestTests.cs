using System.Text.Json;
using Agents.Backends.Testing;

namespace Agents.Backends.OpenAI.Tests;

public sealed class OpenAIRequestTests
{
    private static readonly JsonElement WeatherSchema = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""").RootElement;

    [Fact]
    public async Task GenerateAsync_AllMappedOptions_SendsExactBodyAndHeaders()
    {
        await using var host = await OpenAITestHost.StartAsync(o => o.Organization = "org-1");
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, OpenAITestHost.Completion);
        var options = new GenerationOptions
        {
            MaxTokens = 64,
            Temperature = 0.5f,
            TopP = 0.9f,
            FrequencyPenalty = 0.1f,
            PresencePenalty = 0.2f,
            Seed = 7,
            StopSequences = ["END"],
            ResponseFormat = ResponseFormat.ForJsonSchema(WeatherSchema, "weather"),
            Tools = [new ToolDefinition("get_weather", "Weather for a city", WeatherSchema)],
            AllowParallelToolCalls = false,
            IncludeLogProbabilities = true,
        };

        await host.Generator.GenerateAsync(new GenerationRequest([Message.System("Be brief."), Message.User("Hi")], options));

        var request = host.Server.LastRequest;
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer " + OpenAITestHost.ApiKey, request.Header("authorization"));
        Assert.Equal("org-1", request.Header("openai-organization"));
        Assert.StartsWith("application/json", request.Header("content-type"), StringComparison.Ordinal);
        Assert.Equal(
            """{"model":"gpt-test","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],"max_tokens":64,"temperature":0.5,"top_p":0.9,"frequency_penalty":0.1,"presence_penalty":0.2,"seed":7,"stop":["END"],"response_format":{"type":"json_schema","json_schema":{"name":"weather","schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},"tools":[{"type":"function","function":{"name":"get_weather","description":"Weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],"parallel_tool_calls":false,"logprobs":true}""",
            request.Body);
    }

    [Fact]
    public async Task StreamAsync_Always_RequestsUsageInStream()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Sse(ctx, [OpenAITestHost.TextChunk("a"), OpenAITestHost.Done]);

        await host.Generator.StreamAsync("Hi").ToResultAsync();

        var json = host.Server.LastRequest.Json;
        Assert.True(json.GetProperty("stream").GetBoolean());
        Assert.True(json.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal("text/event-stream", host.Server.LastRequest.Header("accept"));
    }

    [Fact]
    public async Task GenerateAsync_CacheHintWithTenantAndPrefix_SendsPromptCacheKeyThatDependsOnPrefixOnly()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, OpenAITestHost.Completion);
        var hint = new CacheHint { TenantKey = "tenant-a", StablePrefixMessageCount = 1 };

        await host.Generator.GenerateAsync(new GenerationRequest([Message.System("Long stable policy."), Message.User("Q1")], new() { CacheHint = hint }));
        var first = host.Server.LastRequest.Json.GetProperty("prompt_cache_key").GetString();
        await host.Generator.GenerateAsync(new GenerationRequest([Message.System("Long stable policy."), Message.User("Q2")], new() { CacheHint = hint }));
        var second = host.Server.LastRequest.Json.GetProperty("prompt_cache_key").GetString();
        await host.Generator.GenerateAsync(new GenerationRequest([Message.System("Other policy."), Message.User("Q1")], new() { CacheHint = hint }));
        var third = host.Server.LastRequest.Json.GetProperty("prompt_cache_key").GetString();

        Assert.StartsWith("tenant-a:", first, StringComparison.Ordinal);
        Assert.Equal(first, second);
        Assert.NotEqual(first, third);
    }

    [Fact]
    public async Task GenerateAsync_TenantOnlyHint_SendsTenantAsCacheKey()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, OpenAITestHost.Completion);

        await host.Generator.GenerateAsync("Hi", new GenerationOptions { CacheHint = new CacheHint { TenantKey = "t1" } });

        Assert.Equal("t1", host.Server.LastRequest.Json.GetProperty("prompt_cache_key").GetString());
    }

    [Fact]
    public async Task GenerateAsync_NonStandardSampling_ReportsIgnoredAndDoesNotSend()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, OpenAITestHost.Completion);

        var result = await host.Generator.GenerateAsync("Hi", new GenerationOptions { TopK = 40, MinP = 0.05f, RepetitionPenalty = 1.1f });

        var json = host.Server.LastRequest.Json;
        Assert.False(json.TryGetProperty("top_k", out _));
        Assert.False(json.TryGetProperty("min_p", out _));
        Assert.False(json.TryGetProperty("repetition_penalty", out _));
        Assert.Equal(["TopK", "MinP", "RepetitionPenalty"], Assert.IsType<string[]>(result.AdditionalProperties!["agents.ignored_options"]));
        Assert.Contains(host.Logs.Messages, m => m.StartsWith("Warning", StringComparison.Ordinal) && m.Contains("TopK, MinP, RepetitionPenalty", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StreamAsync_NonStandardSampling_ReportsIgnoredOnFinalUpdate()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Sse(ctx, [OpenAITestHost.TextChunk("a"), OpenAITestHost.Done]);

        var result = await host.Generator.StreamAsync("Hi", new GenerationOptions { TopK = 40 }).ToResultAsync();

        Assert.Equal(["TopK"], Assert.IsType<string[]>(result.AdditionalProperties!["agents.ignored_options"]));
    }

    [Fact]
    public async Task GenerateAsync_ExtendedSamplingEnabled_SendsTopKMinPRepetitionPenalty()
    {
        await using var host = await OpenAITestHost.StartAsync(o => o.SendExtendedSamplingParameters = true);
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, OpenAITestHost.Completion);

        var result = await host.Generator.GenerateAsync("Hi", new GenerationOptions { TopK = 40, MinP = 0.05f, RepetitionPenalty = 1.1f });

        var json = host.Server.LastRequest.Json;
        Assert.Equal(40, json.GetProperty("top_k").GetInt32());
        Assert.Equal(0.05, json.GetProperty("min_p").GetDouble(), 3);
        Assert.Equal(1.1, json.GetProperty("repetition_penalty").GetDouble(), 3);
        Assert.Null(result.AdditionalProperties);
    }

    [Fact]
    public async Task GenerateAsync_BeamWiderThanOne_ThrowsInvalidRequestWithoutCallingServer()
    {
        await using var host = await OpenAITestHost.StartAsync();

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() =>
            host.Generator.GenerateAsync("Hi", new GenerationOptions { Decoding = DecodingStrategy.Beam(4) }));

        Assert.Equal("Decoding", ex.Parameter);
        Assert.Empty(host.Server.Requests);
    }

    [Fact]
    public async Task GenerateAsync_GreedyWithoutTemperature_SendsTemperatureZero()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, OpenAITestHost.Completion);

        await host.Generator.GenerateAsync("Hi", new GenerationOptions { Decoding = DecodingStrategy.Beam(1) });

        Assert.Equal(0, host.Server.LastRequest.Json.GetProperty("temperature").GetDouble());
    }

    [Fact]
    public async Task GenerateAsync_ToolConversation_SendsAssistantToolCallsAndToolResults()
    {
        await using var host = await OpenAITestHost.StartAsync(o => o.UseMaxCompletionTokens = true);
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, OpenAITestHost.Completion);
        var messages = new[]
        {
            Message.User("Weather in Oslo?"),
            Message.Assistant(string.Empty) with { ToolCalls = [new ToolCall("call_1", "get_weather", """{"city":"Oslo"}""")] },
            Message.ToolResult("call_1", "Sunny, 12 C", "get_weather"),
        };

        await host.Generator.GenerateAsync(new GenerationRequest(messages, new GenerationOptions { MaxTokens = 5, ModelId = "other-model" }));

        Assert.Equal(
            """{"model":"other-model","messages":[{"role":"user","content":"Weather in Oslo?"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}}]},{"role":"tool","tool_call_id":"call_1","content":"Sunny, 12 C"}],"max_completion_tokens":5}""",
            host.Server.LastRequest.Body);
    }

    [Fact]
    public async Task GenerateAsync_AzureStyleKeyHeader_SendsBareKeyInNamedHeader()
    {
        await using var host = await OpenAITestHost.StartAsync(o => o.ApiKeyHeaderName = "api-key");
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, OpenAITestHost.Completion);

        await host.Generator.GenerateAsync("Hi");

        Assert.Equal(OpenAITestHost.ApiKey, host.Server.LastRequest.Header("api-key"));
        Assert.Null(host.Server.LastRequest.Header("authorization"));
    }
}
