using System.Runtime.CompilerServices;
using Agents.Safety.RateLimiting;
using Agents.Testing;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using static Agents.Safety.Tests.RateLimiting.LimitsTestSupport;

namespace Agents.Safety.Tests.RateLimiting;

/// <summary>Waits at their exact bounds, concurrency after a budget wait, stream usage, tokenizer lookup and disposal.</summary>
public sealed class RateLimitingGeneratorBoundaryTests : IDisposable
{
    private readonly TimerCountingTimeProvider _time = new();
    private readonly LimitsMeterFactory _meters = new();

    public void Dispose() => _meters.Dispose();

    private RateLimitingGenerator Create(Action<RateLimitingOptions> configure, IGenerator inner)
    {
        var options = new RateLimitingOptions { MaxQueueWait = TimeSpan.Zero, PromptTokenEstimator = _ => 100 };
        configure(options);
        return new RateLimitingGenerator(inner, options, _time, meterFactory: _meters);
    }

    private MetricCollector<long> Collect(string instrument) => new(_meters, RateLimitingMetrics.MeterName, instrument);

    [Fact]
    public async Task GenerateAsync_RetryAfterEqualsMaxQueueWait_WaitsAndIsSent()
    {
        var inner = new TestGenerator();
        using var generator = Create(
            o =>
            {
                o.RequestsPerMinute = 1;
                o.MaxQueueWait = TimeSpan.FromMinutes(1);
            },
            inner);
        await generator.GenerateAsync(Request());

        var pending = generator.GenerateAsync(Request());
        await AssertPendingAsync(pending);
        _time.Advance(TimeSpan.FromMinutes(1));
        await pending.WaitAsync(Guard);

        Assert.Equal(2, inner.Requests.Count);
    }

    [Fact]
    public async Task GenerateAsync_StillNoRoomAfterWaiting_TheTimeAlreadyWaitedCountsAgainstMaxQueueWait()
    {
        var slow = new TaskCompletionSource<GenerationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = new TestGenerator
        {
            GenerateAsyncCallback = (request, _) => request.Options?.MaxTokens == 300 ? slow.Task : Task.FromResult(new GenerationResult("ok")),
        };
        using var generator = Create(
            o =>
            {
                o.TokensPerMinute = 1000;
                o.MaxQueueWait = TimeSpan.FromSeconds(40);
            },
            inner);

        // t=0: 500 tokens. t=20: 400 more, response held. t=30: 500 more would need 30 s (the first leaves at t=60).
        await generator.GenerateAsync(Request(maxTokens: 400));
        _time.Advance(TimeSpan.FromSeconds(20));
        var held = generator.GenerateAsync(Request(maxTokens: 300));
        _time.Advance(TimeSpan.FromSeconds(10));
        var waiting = generator.GenerateAsync(Request(maxTokens: 400));
        await AssertPendingAsync(waiting);

        // The held request reports 1,000 tokens: at t=60 the window is full until it leaves at t=80, 20 s away,
        // but only 40 − 30 = 10 s of the waiter's allowance remain.
        slow.SetResult(new GenerationResult("late") { Usage = new Usage { PromptTokens = 1000 } });
        await held.WaitAsync(Guard);
        Assert.Equal([TimeSpan.FromSeconds(30)], _time.DueTimes);
        _time.Advance(TimeSpan.FromSeconds(30));

        // Refused rather than waiting again (which would arm a second timer).
        await WaitForAsync(() => waiting.IsCompleted || _time.TimersCreated > 1, "the waiter's second attempt");
        Assert.Equal(1, _time.TimersCreated);
        var error = await Assert.ThrowsAsync<RateLimitedException>(() => waiting.WaitAsync(Guard));
        Assert.Equal(TimeSpan.FromSeconds(20), error.RetryAfter);
        Assert.Equal(2, inner.Requests.Count);
    }

    [Fact]
    public async Task GenerateAsync_ConcurrencyAfterABudgetWait_OnlyTheRestOfMaxQueueWaitAndQueuedCountedOnce()
    {
        using var queued = Collect("agents.rate_limit.queued");
        using var rejected = Collect("agents.rate_limit.rejected");
        var release = new TaskCompletionSource<GenerationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = new TestGenerator { GenerateAsyncCallback = (_, _) => release.Task };
        using var generator = Create(
            o =>
            {
                o.RequestsPerMinute = 1;
                o.MaxConcurrentRequests = 1;
                o.MaxQueueWait = TimeSpan.FromSeconds(90);
            },
            inner);
        var first = generator.GenerateAsync(Request());
        var second = generator.GenerateAsync(Request());
        await AssertPendingAsync(second);
        Assert.Equal(1, _time.TimersCreated);

        // After 60 s the budget admits it; the slot is still held, and 30 s of the 90 remain to wait for it.
        _time.Advance(TimeSpan.FromMinutes(1));
        await WaitForAsync(() => _time.TimersCreated == 2, "the wait for a concurrency slot");
        Assert.Equal([TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30)], _time.DueTimes);
        _time.Advance(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<RateLimitedException>(() => second.WaitAsync(Guard));
        Assert.Contains("concurrency", error.Message, StringComparison.Ordinal);
        Assert.Single(inner.Requests);
        Assert.Equal(1, queued.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal("concurrency", Assert.Single(rejected.GetMeasurementSnapshot()).Tags["agents.rate_limit.reason"]);

        release.SetResult(new GenerationResult("done"));
        await first.WaitAsync(Guard);
    }

    [Fact]
    public async Task GenerateAsync_WaitsOnlyForAConcurrencySlot_CountedAsQueuedOnce()
    {
        using var queued = Collect("agents.rate_limit.queued");
        var release = new TaskCompletionSource<GenerationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = new TestGenerator { GenerateAsyncCallback = (_, _) => release.Task };
        using var generator = Create(
            o =>
            {
                o.MaxConcurrentRequests = 1;
                o.MaxQueueWait = TimeSpan.FromSeconds(10);
            },
            inner);
        var first = generator.GenerateAsync(Request());
        var second = generator.GenerateAsync(Request());
        await AssertPendingAsync(second);

        release.SetResult(new GenerationResult("done"));
        await Task.WhenAll(first, second).WaitAsync(Guard);

        Assert.Equal(2, inner.Requests.Count);
        Assert.Equal(1, queued.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task GenerateAsync_NoConcurrencySlotAndNoWaitAllowed_RejectedAtOnceWithoutQueueing()
    {
        using var queued = Collect("agents.rate_limit.queued");
        var release = new TaskCompletionSource<GenerationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = new TestGenerator { GenerateAsyncCallback = (_, _) => release.Task };
        using var generator = Create(o => o.MaxConcurrentRequests = 1, inner);
        var first = generator.GenerateAsync(Request());

        var second = generator.GenerateAsync(Request());

        Assert.True(second.IsCompleted);
        var error = await Assert.ThrowsAsync<RateLimitedException>(() => second);
        Assert.Contains("concurrency", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, queued.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(0, _time.TimersCreated);
        release.SetResult(new GenerationResult("done"));
        await first.WaitAsync(Guard);
    }

    [Fact]
    public async Task StreamAsync_UsageInAnEarlierUpdate_TheLastReportedUsageIsCharged()
    {
        var inner = new TestGenerator
        {
            StreamAsyncCallback = (_, ct) => Updates(
                ct,
                new GenerationUpdate { Text = "a", Usage = new Usage { PromptTokens = 5, CompletionTokens = 5 } },
                new GenerationUpdate { Text = "b", Usage = new Usage { PromptTokens = 100, CompletionTokens = 50 } },
                new GenerationUpdate { FinishReason = FinishReason.Stop }),
        };
        using var generator = Create(o => o.TokensPerMinute = 1000, inner);

        await foreach (var _ in generator.StreamAsync(Request(maxTokens: 400)))
        {
        }

        // Charged 150 (not the estimate of 500, nor the earlier 10): 860 more does not fit, 850 fits exactly.
        await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request(maxTokens: 760)));
        await generator.GenerateAsync(Request(maxTokens: 750));
        Assert.Equal(2, inner.Requests.Count);
    }

    [Fact]
    public async Task StreamAsync_AbandonedAfterAUsageUpdate_KeepsItsEstimate()
    {
        var inner = new TestGenerator
        {
            StreamAsyncCallback = (_, ct) => Updates(
                ct,
                new GenerationUpdate { Text = "a", Usage = new Usage { PromptTokens = 5, CompletionTokens = 5 } },
                new GenerationUpdate { Text = "b" },
                new GenerationUpdate { FinishReason = FinishReason.Stop }),
        };
        using var generator = Create(o => o.TokensPerMinute = 1000, inner);

        await foreach (var _ in generator.StreamAsync(Request(maxTokens: 400)))
        {
            break;
        }

        // The estimate of 500 stands: 600 more does not fit, 500 fits exactly.
        await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request(maxTokens: 500)));
        await generator.GenerateAsync(Request(maxTokens: 400));
        Assert.Equal(2, inner.Requests.Count);
    }

    [Fact]
    public void Constructor_CustomPromptEstimator_DoesNotAskTheChainForATokenizer()
    {
        var asked = new List<Type>();
        var inner = new TestGenerator
        {
            GetServiceCallback = (type, _) =>
            {
                asked.Add(type);
                return null;
            },
        };

        using var generator = Create(o => o.RequestsPerMinute = 1, inner);

        Assert.DoesNotContain(typeof(ITokenizer), asked);
        Assert.Equal(100 + 7, generator.EstimateCost(Request("hello world", maxTokens: 7)));
    }

    [Fact]
    public async Task Dispose_ReleasesTheLimiters_LaterCallsThrowObjectDisposed()
    {
        var inner = new TestGenerator();
        var generator = Create(o => o.MaxConcurrentRequests = 1, inner);
        await generator.GenerateAsync(Request());

        generator.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync(Request()));
        Assert.Single(inner.Requests);
        Assert.Equal(1, inner.DisposeCount);
    }

    private static async IAsyncEnumerable<GenerationUpdate> Updates(
        [EnumeratorCancellation] CancellationToken cancellationToken, params GenerationUpdate[] updates)
    {
        foreach (var update in updates)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return update;
        }
    }
}
