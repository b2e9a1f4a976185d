using Agents.Testing;
using Microsoft.Extensions.Logging.Testing;

namespace Agents.Tests.Middleware;

/// <summary>Every middleware of this area turns a caller's cancellation into OperationCanceledException, never a truncated answer.</summary>
public class MiddlewareCancellationTests
{
    public static TheoryData<string> Middleware() => ["logging", "logging-sensitive", "telemetry", "telemetry-sensitive", "cache", "chat-client-round-trip"];

    private static IGenerator Wrap(string middleware, TestGenerator backend) => middleware switch
    {
        "logging" => new GeneratorBuilder(backend).UseLogging(new FakeLoggerProvider().AsFactory()).Build(),
        "logging-sensitive" => new GeneratorBuilder(backend).UseLogging(new FakeLoggerProvider().AsFactory(), g => g.EnableSensitiveData = true).Build(),
        "telemetry" => new GeneratorBuilder(backend).UseOpenTelemetry("Agents.Tests.Cancellation").Build(),
        "telemetry-sensitive" => new GeneratorBuilder(backend).UseOpenTelemetry("Agents.Tests.Cancellation", g => g.EnableSensitiveData = true).Build(),
        "cache" => new GeneratorBuilder(backend).UseResponseCache(new RecordingDistributedCache()).Build(),
        "chat-client-round-trip" => backend.AsChatClient().AsGenerator(),
        _ => throw new ArgumentOutOfRangeException(nameof(middleware)),
    };

    [Theory]
    [MemberData(nameof(Middleware))]
    public async Task StreamAsync_CancelledMidStream_ThrowsAfterExactlyTheUpdatesSeen(string middleware)
    {
        var backend = new TestGenerator { StreamAsyncCallback = (_, ct) => TestStreams.Endless(ct) };
        var generator = Wrap(middleware, backend);
        using var cts = new CancellationTokenSource();
        var received = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in generator.StreamAsync("go", cancellationToken: cts.Token))
            {
                if (++received == 3)
                {
                    await cts.CancelAsync();
                }
            }
        });

        Assert.Equal(3, received);
    }

    [Theory]
    [MemberData(nameof(Middleware))]
    public async Task GenerateAsync_Cancelled_Throws(string middleware)
    {
        var backend = new TestGenerator
        {
            GenerateAsyncCallback = async (_, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return new GenerationResult("never");
            },
        };
        var generator = Wrap(middleware, backend);
        using var cts = new CancellationTokenSource();

        var call = generator.GenerateAsync("go", cancellationToken: cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Theory]
    [MemberData(nameof(Middleware))]
    public async Task GenerateAsync_AlreadyCancelled_Throws(string middleware)
    {
        var backend = new TestGenerator
        {
            GenerateAsyncCallback = (_, ct) => ct.IsCancellationRequested
                ? Task.FromCanceled<GenerationResult>(ct)
                : Task.FromResult(new GenerationResult("x") { FinishReason = FinishReason.Stop }),
        };
        var generator = Wrap(middleware, backend);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync("go", cancellationToken: new CancellationToken(canceled: true)));
    }
}
