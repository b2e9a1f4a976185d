using Agents.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Agents.Tests.Middleware;

/// <summary>What the logging middleware reports at the end of a stream whose metadata arrives spread over several updates.</summary>
public sealed class LoggingStreamSummaryTests
{
    private static TestGenerator Backend(params GenerationUpdate[] updates) => new()
    {
        StreamAsyncCallback = (_, ct) => TestStreams.FromUpdates(updates, ct),
    };

    private static async Task<List<FakeLogRecord>> StreamAndLogAsync(bool sensitive, params GenerationUpdate[] updates)
    {
        var logger = new FakeLogger();
        using var generator = new LoggingGenerator(Backend(updates), logger) { EnableSensitiveData = sensitive };
        await TestStreams.ReadAllAsync(generator.StreamAsync("hi"));
        return [.. logger.Collector.GetSnapshot()];
    }

    [Fact]
    public async Task StreamAsync_MetadataInEarlyUpdates_KeptWhenLaterUpdatesCarryNone()
    {
        var records = await StreamAndLogAsync(
            false,
            new GenerationUpdate { Text = "a", ModelId = "m-early", FinishReason = FinishReason.Stop, Usage = new Usage { PromptTokens = 3, CompletionTokens = 4 } },
            new GenerationUpdate { Text = "b" });

        var completed = Assert.Single(records, r => r.Level == LogLevel.Information).Message;
        Assert.Contains("finish reason stop", completed, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("prompt tokens 3", completed, StringComparison.Ordinal);
        Assert.Contains("completion tokens 4", completed, StringComparison.Ordinal);
        Assert.Contains("model m-early", completed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_MetadataInSeveralUpdates_TheLastWins()
    {
        var records = await StreamAndLogAsync(
            false,
            new GenerationUpdate { ModelId = "m1", FinishReason = FinishReason.Length, Usage = new Usage { PromptTokens = 1 } },
            new GenerationUpdate { ModelId = "m2", FinishReason = FinishReason.Stop, Usage = new Usage { PromptTokens = 2 } });

        var completed = Assert.Single(records, r => r.Level == LogLevel.Information).Message;
        Assert.Contains("model m2", completed, StringComparison.Ordinal);
        Assert.Contains("prompt tokens 2", completed, StringComparison.Ordinal);
        Assert.Contains("finish reason stop", completed, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task StreamAsync_SensitiveDataOn_ToolCallsFromEveryUpdateAreListed()
    {
        var records = await StreamAndLogAsync(
            true,
            new GenerationUpdate { Text = "x", ToolCalls = [new ToolCall("1", "lookup", "{\"q\":1}")] },
            new GenerationUpdate { Text = "y" },
            new GenerationUpdate { ToolCalls = [new ToolCall("2", "search", "{}")] });

        var text = Assert.Single(records, r => r.Message.Contains("completion:", StringComparison.Ordinal)).Message;
        Assert.Contains("xy", text, StringComparison.Ordinal);
        Assert.Contains("tool calls: lookup({\"q\":1}), search({})", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_SensitiveDataOn_NoToolCalls_SaysNone()
    {
        var records = await StreamAndLogAsync(true, new GenerationUpdate { Text = "plain" });

        var text = Assert.Single(records, r => r.Message.Contains("completion:", StringComparison.Ordinal)).Message;
        Assert.Contains("(tool calls: none)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_AbandonedAfterTwoUpdates_ReportsTheCount()
    {
        var logger = new FakeLogger();
        using var generator = new LoggingGenerator(
            Backend(new GenerationUpdate { Text = "a" }, new GenerationUpdate { Text = "b" }, new GenerationUpdate { Text = "c" }), logger);

        var seen = 0;
        await foreach (var update in generator.StreamAsync("hi"))
        {
            if (++seen == 2)
            {
                break;
            }
        }

        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Message.Contains("abandoned", StringComparison.Ordinal) && r.Message.Contains("2 updates", StringComparison.Ordinal));
    }
}
