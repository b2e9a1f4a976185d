using Agents.Backends.Testing;

namespace Agents.Backends.Anthropic.Tests;

public sealed class AnthropicResponseTests
{
    [Fact]
    public async Task GenerateAsync_Success_ReturnsTextAndUsageWithCacheReadsAndWrites()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, AnthropicTestHost.Message);

        var result = await host.Generator.GenerateAsync("Hi");

        Assert.Equal("Hello there.", result.Text);
        Assert.Equal(FinishReason.Stop, result.FinishReason);
        Assert.Equal(new Usage { PromptTokens = 125, CompletionTokens = 3, CachedPromptTokens = 100, CacheWritePromptTokens = 20 }, result.Usage);
        Assert.Equal("msg_42", result.ResponseId);
        Assert.Equal("claude-test-2025", result.ModelId);
    }

    [Theory]
    [InlineData("end_turn", FinishReason.Stop)]
    [InlineData("max_tokens", FinishReason.Length)]
    [InlineData("stop_sequence", FinishReason.StopSequence)]
    [InlineData("tool_use", FinishReason.ToolCalls)]
    [InlineData("refusal", FinishReason.ContentFilter)]
    public async Task GenerateAsync_StopReason_MapsToFinishReason(string stopReason, FinishReason expected)
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, AnthropicTestHost.Message.Replace("end_turn", stopReason, StringComparison.Ordinal));

        var result = await host.Generator.GenerateAsync("Hi");

        Assert.Equal(expected, result.FinishReason);
    }

    [Fact]
    public async Task GenerateAsync_ToolUse_ReturnsToolCalls()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, """
            {"id":"msg_t","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"Let me check."},
             {"type":"tool_use","id":"toolu_9","name":"get_weather","input":{"city":"Oslo"}}],"stop_reason":"tool_use",
             "usage":{"input_tokens":5,"output_tokens":9}}
            """);

        var result = await host.Generator.GenerateAsync("Weather?");

        Assert.Equal(FinishReason.ToolCalls, result.FinishReason);
        Assert.Equal("Let me check.", result.Text);
        Assert.Equal(new ToolCall("toolu_9", "get_weather", """{"city":"Oslo"}"""), Assert.Single(result.Message.ToolCalls));
    }

    [Fact]
    public async Task StreamAsync_TextEvents_YieldsTextAndFinalUsage()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Sse(ctx,
        [
            AnthropicTestHost.MessageStart(input: 7, cacheRead: 50, cacheWrite: 10),
            AnthropicTestHost.TextBlockStart(0),
            AnthropicTestHost.Ping,
            AnthropicTestHost.TextDelta(0, "Hel"),
            AnthropicTestHost.TextDelta(0, "lo"),
            AnthropicTestHost.BlockStop(0),
            AnthropicTestHost.MessageDelta("stop_sequence", 4),
            AnthropicTestHost.MessageStop,
        ]);

        var updates = new List<GenerationUpdate>();
        await foreach (var update in host.Generator.StreamAsync("Hi"))
        {
            updates.Add(update);
        }

        Assert.Equal(["Hel", "lo", string.Empty], updates.Select(u => u.Text));
        var last = updates[^1];
        Assert.Equal(FinishReason.StopSequence, last.FinishReason);
        Assert.Equal(new Usage { PromptTokens = 67, CompletionTokens = 4, CachedPromptTokens = 50, CacheWritePromptTokens = 10 }, last.Usage);
        Assert.Equal("msg_1", last.ResponseId);
        Assert.True(host.Server.LastRequest.Json.GetProperty("stream").GetBoolean());
    }

    [Fact]
    public async Task StreamAsync_ToolInputFragments_ReassemblesToolCalls()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        static string ToolStart(int index, string id) => AnthropicTestHost.Event("content_block_start",
            "{\"type\":\"content_block_start\",\"index\":" + index + ",\"content_block\":{\"type\":\"tool_use\",\"id\":\"" + id + "\",\"name\":\"get_weather\",\"input\":{}}}");
        static string Json(int index, string partial) => AnthropicTestHost.Event("content_block_delta",
            "{\"type\":\"content_block_delta\",\"index\":" + index + ",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":" + System.Text.Json.JsonSerializer.Serialize(partial) + "}}");
        host.Server.Handler = ctx => RecordingServer.Sse(ctx,
        [
            AnthropicTestHost.MessageStart(),
            AnthropicTestHost.TextBlockStart(0),
            AnthropicTestHost.TextDelta(0, "Checking."),
            AnthropicTestHost.BlockStop(0),
            ToolStart(1, "toolu_a"),
            Json(1, string.Empty),
            Json(1, "{\"ci"),
            Json(1, "ty\": \"Oslo\"}"),
            AnthropicTestHost.BlockStop(1),
            ToolStart(2, "toolu_b"),
            Json(2, "{\"city\":\"Rome\"}"),
            AnthropicTestHost.BlockStop(2),
            AnthropicTestHost.MessageDelta("tool_use", 30),
            AnthropicTestHost.MessageStop,
        ]);

        var result = await host.Generator.StreamAsync("Weather?").ToResultAsync();

        Assert.Equal("Checking.", result.Text);
        Assert.Equal(FinishReason.ToolCalls, result.FinishReason);
        Assert.Equal(
            [new ToolCall("toolu_a", "get_weather", "{\"city\": \"Oslo\"}"), new ToolCall("toolu_b", "get_weather", "{\"city\":\"Rome\"}")],
            result.Message.ToolCalls);
    }

    [Fact]
    public async Task StreamAsync_SlowStreamWithinTimeout_Completes()
    {
        await using var host = await AnthropicTestHost.StartAsync(o => o.Timeout = TimeSpan.FromSeconds(5));
        host.Server.Handler = ctx => RecordingServer.Sse(ctx,
            [AnthropicTestHost.MessageStart(), AnthropicTestHost.TextDelta(0, "slow "), AnthropicTestHost.TextDelta(0, "but sure"), AnthropicTestHost.MessageStop],
            delay: TimeSpan.FromMilliseconds(150));

        var result = await host.Generator.StreamAsync("Hi").ToResultAsync();

        Assert.Equal("slow but sure", result.Text);
    }

    [Fact]
    public async Task GetService_Metadata_DescribesProvider()
    {
        await using var host = await AnthropicTestHost.StartAsync();

        var metadata = host.Generator.GetMetadata();

        Assert.Equal("anthropic", metadata?.ProviderName);
        Assert.Equal("claude-test", metadata?.ModelId);
        Assert.Equal(host.Server.BaseAddress, metadata?.Endpoint);
        Assert.True(metadata?.Supports(GeneratorCapabilities.Streaming | GeneratorCapabilities.Tools | GeneratorCapabilities.PrefixCache));
    }
}
