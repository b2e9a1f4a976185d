using System.Text.Json;
using Agents.Backends.Testing;

namespace Agents.Backends.Anthropic.Tests;

public sealed class AnthropicRequestTests
{
    private static readonly JsonElement WeatherSchema = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}}}""").RootElement;

    [Fact]
    public async Task GenerateAsync_MappedOptions_SendsExactBodyAndHeaders()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, AnthropicTestHost.Message);
        var options = new GenerationOptions
        {
            MaxTokens = 100,
            Temperature = 0.3f,
            TopP = 0.8f,
            TopK = 20,
            StopSequences = ["###"],
            Tools = [new ToolDefinition("get_weather", "Weather", WeatherSchema)],
            AllowParallelToolCalls = false,
        };

        await host.Generator.GenerateAsync(new GenerationRequest([Message.System("Be brief."), Message.User("Hi")], options));

        var request = host.Server.LastRequest;
        Assert.Equal("/v1/messages", request.Path);
        Assert.Equal(AnthropicTestHost.ApiKey, request.Header("x-api-key"));
        Assert.Equal("2023-06-01", request.Header("anthropic-version"));
        Assert.Null(request.Header("authorization"));
        Assert.Equal(
            """{"model":"claude-test","max_tokens":100,"system":[{"type":"text","text":"Be brief."}],"messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}],"temperature":0.3,"top_p":0.8,"top_k":20,"stop_sequences":["###"],"tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],"tool_choice":{"type":"auto","disable_parallel_tool_use":true}}""",
            request.Body);
    }

    [Fact]
    public async Task GenerateAsync_NoMaxTokens_SendsConfiguredDefault()
    {
        await using var host = await AnthropicTestHost.StartAsync(o => o.DefaultMaxTokens = 321);
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, AnthropicTestHost.Message);

        await host.Generator.GenerateAsync("Hi");

        Assert.Equal("""{"model":"claude-test","max_tokens":321,"messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}]}""", host.Server.LastRequest.Body);
    }

    [Fact]
    public async Task GenerateAsync_CacheHint_PlacesCacheControlOnToolsSharedAndStablePrefix()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, AnthropicTestHost.Message);
        var messages = new[] { Message.System("Policy."), Message.User("Document."), Message.Assistant("Noted."), Message.User("Question?") };
        var options = new GenerationOptions
        {
            Tools = [new ToolDefinition("lookup")],
            CacheHint = new CacheHint { SharedPrefixMessageCount = 1, StablePrefixMessageCount = 3 },
        };

        await host.Generator.GenerateAsync(new GenerationRequest(messages, options));

        Assert.Equal(
            """{"model":"claude-test","max_tokens":4096,"system":[{"type":"text","text":"Policy.","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":[{"type":"text","text":"Document."}]},{"role":"assistant","content":[{"type":"text","text":"Noted.","cache_control":{"type":"ephemeral"}}]},{"role":"user","content":[{"type":"text","text":"Question?"}]}],"tools":[{"name":"lookup","input_schema":{"type":"object","properties":{}},"cache_control":{"type":"ephemeral"}}]}""",
            host.Server.LastRequest.Body);
    }

    [Fact]
    public async Task GenerateAsync_PromptCachingDisabled_SendsNoCacheControl()
    {
        await using var host = await AnthropicTestHost.StartAsync(o => o.EnablePromptCaching = false);
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, AnthropicTestHost.Message);

        await host.Generator.GenerateAsync(new GenerationRequest(
            [Message.System("Policy."), Message.User("Q")], new GenerationOptions { CacheHint = new CacheHint { StablePrefixMessageCount = 1 } }));

        Assert.DoesNotContain("cache_control", host.Server.LastRequest.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_ToolConversation_SendsToolUseAndMergedToolResults()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, AnthropicTestHost.Message);
        var messages = new[]
        {
            Message.User("Weather in Oslo and Rome?"),
            Message.Assistant("Checking.") with
            {
                ToolCalls = [new ToolCall("toolu_1", "get_weather", """{"city":"Oslo"}"""), new ToolCall("toolu_2", "get_weather", """{"city":"Rome"}""")],
            },
            Message.ToolResult("toolu_1", "Rain"),
            Message.ToolResult("toolu_2", "Sun"),
        };

        await host.Generator.GenerateAsync(new GenerationRequest(messages));

        Assert.Equal(
            """{"model":"claude-test","max_tokens":4096,"messages":[{"role":"user","content":[{"type":"text","text":"Weather in Oslo and Rome?"}]},{"role":"assistant","content":[{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Oslo"}},{"type":"tool_use","id":"toolu_2","name":"get_weather","input":{"city":"Rome"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"Rain"},{"type":"tool_result","tool_use_id":"toolu_2","content":"Sun"}]}]}""",
            host.Server.LastRequest.Body);
    }

    [Fact]
    public async Task GenerateAsync_UnsupportedOptions_ReportsIgnoredAndLogsWarning()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, AnthropicTestHost.Message);

        var result = await host.Generator.GenerateAsync("Hi", new GenerationOptions
        {
            Seed = 1,
            MinP = 0.1f,
            RepetitionPenalty = 1.2f,
            FrequencyPenalty = 0.5f,
            PresencePenalty = 0.5f,
            IncludeLogProbabilities = true,
            ResponseFormat = ResponseFormat.Json,
        });

        Assert.Equal(
            ["Seed", "MinP", "RepetitionPenalty", "FrequencyPenalty", "PresencePenalty", "IncludeLogProbabilities", "ResponseFormat"],
            Assert.IsType<string[]>(result.AdditionalProperties!["agents.ignored_options"]));
        Assert.Contains(host.Logs.Messages, m => m.StartsWith("Warning", StringComparison.Ordinal) && m.Contains("Seed", StringComparison.Ordinal));
        Assert.Equal("""{"model":"claude-test","max_tokens":4096,"messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}]}""", host.Server.LastRequest.Body);
    }

    [Fact]
    public async Task GenerateAsync_BeamWiderThanOne_ThrowsInvalidRequest()
    {
        await using var host = await AnthropicTestHost.StartAsync();

        await Assert.ThrowsAsync<InvalidRequestException>(() => host.Generator.GenerateAsync("Hi", new GenerationOptions { Decoding = DecodingStrategy.Beam(2) }));

        Assert.Empty(host.Server.Requests);
    }

    [Fact]
    public async Task GenerateAsync_ToolCallArgumentsNotJson_ThrowsInvalidRequest()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        var messages = new[] { Message.User("x"), Message.Assistant(string.Empty) with { ToolCalls = [new ToolCall("t", "f", "{broken")] } };

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => host.Generator.GenerateAsync(new GenerationRequest(messages)));

        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
    }
}
