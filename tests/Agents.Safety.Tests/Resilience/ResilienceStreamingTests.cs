using Agents.Safety.Resilience;
using Agents.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Agents.Safety.Tests.Resilience;

public sealed class ResilienceStreamingTests
{
    private readonly FakeTimeProvider _time = new();

    private static ProviderException ServerError() => new("status 503") { StatusCode = 503, IsTransient = true };

    private static async Task<(string Text, int Updates)> ReadAllAsync(IAsyncEnumerable<GenerationUpdate> stream)
    {
        var text = "";
        var updates = 0;
        await foreach (var update in stream)
        {
            text += update.Text;
            updates++;
        }

        return (text, updates);
    }

    private static TestGenerator Streaming(params (string[] Texts, Exception? Failure)[] attempts)
    {
        var calls = 0;
        return new TestGenerator
        {
            StreamAsyncCallback = (_, ct) =>
            {
                var (texts, failure) = attempts[Math.Min(calls++, attempts.Length - 1)];
                return ScriptedGenerator.Stream(texts, failure, ct);
            },
        };
    }

    private ResilienceGenerator Create(IGenerator inner, Action<ResilienceOptions>? configure = null)
    {
        var options = new ResilienceOptions { UseJitter = false, EnableCircuitBreaker = false, BaseDelay = TimeSpan.Zero };
        configure?.Invoke(options);
        return new ResilienceGenerator(inner, options, _time);
    }

    [Fact]
    public async Task StreamAsync_FailureBeforeTheFirstToken_Retried()
    {
        // The metadata-only update ("") before the failure is not content: the stream may still be retried.
        var inner = Streaming(([""], ServerError()), (["Hel", "lo"], null));
        using var generator = Create(inner);

        var (text, _) = await ReadAllAsync(generator.StreamAsync("hi"));

        Assert.Equal("Hello", text);
        Assert.Equal(2, inner.Requests.Count);
    }

    [Fact]
    public async Task StreamAsync_FailureBeforeTheFirstToken_FallsBack()
    {
        var primary = Streaming(([], ServerError()));
        var fallback = Streaming((["from ", "fallback"], null));
        using var generator = Create(primary, o =>
        {
            o.MaxRetryAttempts = 1;
            o.FallbackGenerator = fallback;
            o.FallbackModelId = "small";
        });

        var (text, _) = await ReadAllAsync(generator.StreamAsync("hi"));

        Assert.Equal("from fallback", text);
        Assert.Equal(2, primary.Requests.Count);
        Assert.Equal("small", Assert.Single(fallback.Requests).Options!.ModelId);
    }

    [Fact]
    public async Task StreamAsync_FailureAfterTheFirstToken_SurfacesWithThePartialTextAndIsNeitherRetriedNorFallenBack()
    {
        var failure = ServerError();
        var primary = Streaming((["Hel", "lo"], failure));
        var fallback = Streaming((["fallback"], null));
        using var generator = Create(primary, o => o.FallbackGenerator = fallback);
        var seen = "";

        var error = await Assert.ThrowsAsync<StreamInterruptedException>(async () =>
        {
            await foreach (var update in generator.StreamAsync("hi"))
            {
                seen += update.Text;
            }
        });

        Assert.Equal("Hello", seen);
        Assert.Equal("Hello", error.PartialText);
        Assert.Equal(2, error.UpdatesDelivered);
        Assert.Same(failure, error.InnerException);
        Assert.False(error.IsTransient);
        Assert.Single(primary.Requests);
        Assert.Empty(fallback.Requests);
    }

    [Fact]
    public async Task StreamAsync_NonTransientFailureBeforeContent_PassesThroughUntouched()
    {
        var failure = new InvalidRequestException("bad");
        var primary = Streaming(([], failure));
        using var generator = Create(primary);

        var thrown = await Assert.ThrowsAsync<InvalidRequestException>(() => ReadAllAsync(generator.StreamAsync("hi")));

        Assert.Same(failure, thrown);
        Assert.Single(primary.Requests);
    }

    [Fact]
    public async Task StreamAsync_EmptyStream_EndsCleanly()
    {
        var inner = new TestGenerator { StreamAsyncCallback = (_, ct) => ScriptedGenerator.Stream([], null, ct) };
        using var generator = Create(inner);

        var (text, updates) = await ReadAllAsync(generator.StreamAsync("hi"));

        Assert.Equal("", text);
        Assert.Equal(1, updates);
    }

    [Fact]
    public async Task StreamAsync_CallerCancelsMidStream_ThrowsOperationCanceledNotInterrupted()
    {
        var inner = Streaming((["a", "b", "c", "d"], null));
        using var generator = Create(inner);
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in generator.StreamAsync("hi", cancellationToken: cts.Token))
            {
                await cts.CancelAsync();
            }
        });
    }

    [Fact]
    public async Task StreamAsync_TotalTimeoutAfterTheFirstToken_InterruptedWithATypedTimeout()
    {
        var inner = new TestGenerator { StreamAsyncCallback = (_, ct) => Stalling(ct) };
        using var generator = Create(inner, o => o.TotalTimeout = TimeSpan.FromSeconds(30));
        var enumerator = generator.StreamAsync("hi").GetAsyncEnumerator();
        Assert.True(await enumerator.MoveNextAsync());
        var next = enumerator.MoveNextAsync().AsTask();

        _time.Advance(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<StreamInterruptedException>(() => next.WaitAsync(RateLimiting.LimitsTestSupport.Guard));
        Assert.Equal("first", error.PartialText);
        Assert.Equal("timeout", Assert.IsType<ProviderException>(error.InnerException).ErrorCode);
        await enumerator.DisposeAsync();
    }

    [Fact]
    public async Task StreamAsync_StreamWithoutContent_InnerStreamIsNotReadPastItsEnd()
    {
        var stream = new ReadOnceStream([new GenerationUpdate(), new GenerationUpdate { FinishReason = FinishReason.Stop }]);
        using var generator = Create(new TestGenerator { StreamAsyncCallback = (_, _) => stream });

        var (text, updates) = await ReadAllAsync(generator.StreamAsync("hi"));

        Assert.Equal("", text);
        Assert.Equal(2, updates);
        Assert.Equal(3, stream.MoveNextCalls);
    }

    /// <summary>A stream that, like one over a network response, must not be read again once it reported its end.</summary>
    private sealed class ReadOnceStream(IReadOnlyList<GenerationUpdate> updates) : IAsyncEnumerable<GenerationUpdate>, IAsyncEnumerator<GenerationUpdate>
    {
        private int _index = -1;

        public int MoveNextCalls { get; private set; }

        public GenerationUpdate Current => updates[_index];

        public IAsyncEnumerator<GenerationUpdate> GetAsyncEnumerator(CancellationToken cancellationToken = default) => this;

        public ValueTask<bool> MoveNextAsync()
        {
            MoveNextCalls++;
            if (_index >= updates.Count)
            {
                throw new InvalidOperationException("The stream was read past its end.");
            }

            _index++;
            return ValueTask.FromResult(_index < updates.Count);
        }

        public ValueTask DisposeAsync() => default;
    }

    private static async IAsyncEnumerable<GenerationUpdate> Stalling([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return new GenerationUpdate { Text = "first" };
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield return new GenerationUpdate { Text = "never" };
    }
}
