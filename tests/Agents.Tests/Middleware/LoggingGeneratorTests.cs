using System.Runtime.CompilerServices;
using Agents.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Agents.Tests.Middleware;

public class LoggingGeneratorTests
{
    private const string Prompt = "my secret prompt 4711";
    private const string Completion = "the confidential answer 0815";

    private static TestGenerator Backend() => new()
    {
        GenerateAsyncCallback = (_, _) => Task.FromResult(new GenerationResult(Completion)
        {
            FinishReason = FinishReason.Stop,
            Usage = new Usage { PromptTokens = 11, CompletionTokens = 5, CachedPromptTokens = 4 },
            ModelId = "m1",
        }),
        StreamAsyncCallback = (_, ct) => TestStreams.FromUpdates(
        [
            new GenerationUpdate { Text = "the confidential " },
            new GenerationUpdate { Text = "answer 0815" },
            new GenerationUpdate { FinishReason = FinishReason.Length, Usage = new Usage { PromptTokens = 11, CompletionTokens = 9 } },
        ], ct),
    };

    private static string AllText(FakeLogger logger) =>
        string.Join("\n", logger.Collector.GetSnapshot().Select(r => r.Message + " " + string.Join(",", r.StructuredState?.Select(s => s.Value) ?? [])));

    [Fact]
    public async Task GenerateAsync_SensitiveDataOff_NeverLogsPromptOrCompletion()
    {
        var logger = new FakeLogger();
        using var generator = new LoggingGenerator(Backend(), logger);

        await generator.GenerateAsync(Prompt);

        var text = AllText(logger);
        Assert.DoesNotContain("secret prompt", text, StringComparison.Ordinal);
        Assert.DoesNotContain("confidential", text, StringComparison.Ordinal);
        var completed = Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Information);
        Assert.Contains("finish reason stop", completed.Message, StringComparison.Ordinal);
        Assert.Contains("prompt tokens 11", completed.Message, StringComparison.Ordinal);
        Assert.Contains("cached prompt tokens 4", completed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_SensitiveDataOn_LogsPromptAndCompletion()
    {
        var logger = new FakeLogger();
        using var generator = new LoggingGenerator(Backend(), logger) { EnableSensitiveData = true };

        await generator.GenerateAsync(Prompt);

        var text = AllText(logger);
        Assert.Contains(Prompt, text, StringComparison.Ordinal);
        Assert.Contains(Completion, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_SensitiveDataOff_LogsUsageAtEndWithoutText()
    {
        var logger = new FakeLogger();
        using var generator = new LoggingGenerator(Backend(), logger);

        var updates = await TestStreams.ReadAllAsync(generator.StreamAsync(Prompt));

        Assert.Equal(3, updates.Count);
        var text = AllText(logger);
        Assert.DoesNotContain("secret prompt", text, StringComparison.Ordinal);
        Assert.DoesNotContain("confidential", text, StringComparison.Ordinal);
        var completed = Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Information);
        Assert.Contains("StreamAsync completed", completed.Message, StringComparison.Ordinal);
        Assert.Contains("finish reason length", completed.Message, StringComparison.Ordinal);
        Assert.Contains("completion tokens 9", completed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_SensitiveDataOn_LogsPromptAndAccumulatedCompletion()
    {
        var logger = new FakeLogger();
        using var generator = new LoggingGenerator(Backend(), logger) { EnableSensitiveData = true };

        await TestStreams.ReadAllAsync(generator.StreamAsync(Prompt));

        var text = AllText(logger);
        Assert.Contains(Prompt, text, StringComparison.Ordinal);
        Assert.Contains(Completion, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_PassesEachUpdateOnBeforeTheNextIsProduced()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var backend = new TestGenerator { StreamAsyncCallback = (_, ct) => Gated(release.Task, ct) };
        using var generator = new LoggingGenerator(backend, new FakeLogger());

        await using var enumerator = generator.StreamAsync("x").GetAsyncEnumerator();
        Assert.True(await enumerator.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("first", enumerator.Current.Text);
        release.SetResult();
        Assert.True(await enumerator.MoveNextAsync());
        Assert.Equal("second", enumerator.Current.Text);

        static async IAsyncEnumerable<GenerationUpdate> Gated(Task gate, [EnumeratorCancellation] CancellationToken ct)
        {
            yield return new GenerationUpdate { Text = "first" };
            await gate.WaitAsync(ct);
            yield return new GenerationUpdate { Text = "second", FinishReason = FinishReason.Stop };
        }
    }

    [Fact]
    public async Task GenerateAsync_BackendFails_LogsErrorWithExceptionAndRethrows()
    {
        var logger = new FakeLogger();
        var failure = new ProviderException("boom");
        var backend = new TestGenerator { GenerateAsyncCallback = (_, _) => Task.FromException<GenerationResult>(failure) };
        using var generator = new LoggingGenerator(backend, logger);

        var thrown = await Assert.ThrowsAsync<ProviderException>(() => generator.GenerateAsync("x"));

        Assert.Same(failure, thrown);
        var error = Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Error);
        Assert.Same(failure, error.Exception);
    }

    [Fact]
    public async Task StreamAsync_BackendFailsMidStream_LogsError()
    {
        var logger = new FakeLogger();
        var backend = new TestGenerator { StreamAsyncCallback = (_, ct) => TestStreams.FailingAfter(2, new InvalidOperationException("mid"), ct) };
        using var generator = new LoggingGenerator(backend, logger);

        await Assert.ThrowsAsync<InvalidOperationException>(() => TestStreams.ReadAllAsync(generator.StreamAsync("x")));

        var error = Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Error);
        Assert.IsType<InvalidOperationException>(error.Exception);
        Assert.DoesNotContain(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Information);
    }

    [Fact]
    public async Task StreamAsync_Cancelled_LogsCancellationNotError()
    {
        var logger = new FakeLogger();
        var backend = new TestGenerator { StreamAsyncCallback = (_, ct) => TestStreams.Endless(ct) };
        using var generator = new LoggingGenerator(backend, logger);
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            var count = 0;
            await foreach (var _ in generator.StreamAsync("x", cancellationToken: cts.Token))
            {
                if (++count == 2)
                {
                    await cts.CancelAsync();
                }
            }
        });

        Assert.DoesNotContain(logger.Collector.GetSnapshot(), r => r.Level >= LogLevel.Error);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Message.Contains("cancelled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StreamAsync_CallerStopsEarly_LogsAbandonedNotCompleted()
    {
        var logger = new FakeLogger();
        using var generator = new LoggingGenerator(Backend(), logger);

        await foreach (var _ in generator.StreamAsync(Prompt))
        {
            break;
        }

        Assert.DoesNotContain(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Information);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Message.Contains("abandoned by the caller after", StringComparison.Ordinal)
            && r.Message.Contains("1 updates", StringComparison.Ordinal));
    }

    [Fact]
    public void StreamAsync_LoggingDisabled_ReturnsTheInnerStreamUntouched()
    {
        var stream = TestStreams.Endless();
        var backend = new TestGenerator { StreamAsyncCallback = (_, _) => stream };
        using var generator = new LoggingGenerator(backend, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        Assert.Same(stream, generator.StreamAsync("x"));
    }

    [Fact]
    public async Task UseLogging_NoFactoryGiven_UsesTheServicesLoggerFactory()
    {
        var collector = new FakeLogCollector();
        using var provider = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(collector)))
            .BuildServiceProvider();
        var built = new GeneratorBuilder(Backend())
            .UseLogging(configure: g => g.EnableSensitiveData = true)
            .Build(provider);

        await built.GenerateAsync(Prompt);

        Assert.NotNull(built.GetService<LoggingGenerator>());
        Assert.True(built.GetService<LoggingGenerator>()!.EnableSensitiveData);
        Assert.Contains(collector.GetSnapshot(), r => r.Message.Contains(Prompt, StringComparison.Ordinal));
        Assert.All(collector.GetSnapshot(), r => Assert.Equal(typeof(LoggingGenerator).FullName, r.Category));
    }
}
