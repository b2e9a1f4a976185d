using Agents.Safety.RateLimiting;
using Agents.Testing;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using static Agents.Safety.Tests.RateLimiting.LimitsTestSupport;

namespace Agents.Safety.Tests.RateLimiting;

public sealed class RateLimitingGeneratorTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<DateTimeOffset> _calls = [];
    private readonly LimitsMeterFactory _meters = new();

    public void Dispose() => _meters.Dispose();

    private RateLimitingGenerator Create(Action<RateLimitingOptions> configure, Func<GenerationRequest, Usage?>? usage = null, IGenerator? inner = null)
    {
        var options = new RateLimitingOptions { MaxQueueWait = TimeSpan.Zero, PromptTokenEstimator = _ => 100 };
        configure(options);
        inner ??= UsageReportingGenerator.Create(_time, _calls, usage ?? (_ => null));
        return new RateLimitingGenerator(inner, options, _time, meterFactory: _meters);
    }

    private int CallCount
    {
        get
        {
            lock (_calls)
            {
                return _calls.Count;
            }
        }
    }

    [Fact]
    public async Task GenerateAsync_RequestsOverTheMinuteLimit_RejectedWithRetryAfterAndNotSent()
    {
        using var generator = Create(o => o.RequestsPerMinute = 3);
        for (var i = 0; i < 3; i++)
        {
            await generator.GenerateAsync(Request());
        }

        var error = await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request()));

        Assert.Equal(TimeSpan.FromMinutes(1), error.RetryAfter);
        Assert.True(error.IsTransient);
        Assert.Equal(3, CallCount);
    }

    [Fact]
    public async Task GenerateAsync_WindowSlides_AdmitsExactlyWhenTheOldestAdmissionLeavesTheMinute()
    {
        using var generator = Create(o => o.RequestsPerMinute = 2);
        await generator.GenerateAsync(Request());
        _time.Advance(TimeSpan.FromSeconds(30));
        await generator.GenerateAsync(Request());
        _time.Advance(TimeSpan.FromSeconds(15));

        var error = await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request()));
        Assert.Equal(TimeSpan.FromSeconds(15), error.RetryAfter);

        _time.Advance(TimeSpan.FromSeconds(15) - TimeSpan.FromTicks(1));
        await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request()));
        _time.Advance(TimeSpan.FromTicks(1));
        await generator.GenerateAsync(Request());
        Assert.Equal(3, CallCount);
    }

    [Fact]
    public async Task GenerateAsync_SteadyOverload_NeverAdmitsMoreThanTheLimitInAnySlidingMinute()
    {
        using var generator = Create(o => o.RequestsPerMinute = 10);
        for (var step = 0; step < 600; step++)
        {
            try
            {
                await generator.GenerateAsync(Request());
            }
            catch (RateLimitedException)
            {
            }

            _time.Advance(TimeSpan.FromMilliseconds(700));
        }

        List<DateTimeOffset> calls;
        lock (_calls)
        {
            calls = [.. _calls];
        }

        for (var i = 0; i + 10 < calls.Count; i++)
        {
            Assert.True(calls[i + 10] - calls[i] >= TimeSpan.FromMinutes(1), $"11 admissions within one minute, from {calls[i]:O}");
        }

        // 420 s of 3x overload: 7 windows of 10 (the 700 ms grid makes each window last up to 60.2 s).
        Assert.InRange(calls.Count, 69, 70);
    }

    [Fact]
    public async Task GenerateAsync_UsageBelowEstimate_ReconciledSoMoreRequestsFit()
    {
        // Estimate 100 prompt + 400 max output = 500; actual 150: after reconciliation 4 fit in 1,000 instead of 2.
        using var generator = Create(o => o.TokensPerMinute = 1000, _ => new Usage { PromptTokens = 100, CompletionTokens = 50 });
        for (var i = 0; i < 4; i++)
        {
            await generator.GenerateAsync(Request(maxTokens: 400));
        }

        var error = await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request(maxTokens: 400)));
        Assert.Equal(TimeSpan.FromMinutes(1), error.RetryAfter);
        Assert.Equal(4, CallCount);
    }

    [Fact]
    public async Task GenerateAsync_NoUsageReported_EstimateStands()
    {
        using var generator = Create(o => o.TokensPerMinute = 1000);
        await generator.GenerateAsync(Request(maxTokens: 400));
        await generator.GenerateAsync(Request(maxTokens: 400));

        await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request(maxTokens: 400)));
        Assert.Equal(2, CallCount);
    }

    [Fact]
    public async Task GenerateAsync_UsageAboveEstimate_ChargesTheDifference()
    {
        // Estimate 100 + 100 = 200; actual 700: the second request (200) still fits in 1,000, the third does not.
        using var generator = Create(o => o.TokensPerMinute = 1000, _ => new Usage { PromptTokens = 600, CompletionTokens = 100 });
        await generator.GenerateAsync(Request(maxTokens: 100));
        await generator.GenerateAsync(Request(maxTokens: 100));

        await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request(maxTokens: 100)));
    }

    [Fact]
    public async Task GenerateAsync_MaxTokensUnset_ChargesTheDefaultOutputTokens()
    {
        using var generator = Create(o =>
        {
            o.TokensPerMinute = 1000;
            o.DefaultMaxOutputTokens = 350;
        });

        // 100 + 350 = 450: two fit, a third does not.
        await generator.GenerateAsync(Request(maxTokens: null));
        await generator.GenerateAsync(Request(maxTokens: null));
        await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request(maxTokens: null)));
        Assert.Equal(450, generator.EstimateCost(Request(maxTokens: null)));
    }

    [Fact]
    public async Task GenerateAsync_CostAboveTheWholeTokenBudget_RejectedAsNeverAdmissible()
    {
        using var generator = Create(o =>
        {
            o.TokensPerMinute = 300;
            o.MaxQueueWait = TimeSpan.FromMinutes(5);
        });

        var error = await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request(maxTokens: 500)));

        Assert.False(error.IsTransient);
        Assert.Null(error.RetryAfter);
        Assert.Contains("never", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, CallCount);
    }

    [Fact]
    public async Task GenerateAsync_WaitLongerThanMaxQueueWait_RejectedAtOnceWithRetryAfter()
    {
        using var generator = Create(o =>
        {
            o.RequestsPerMinute = 1;
            o.MaxQueueWait = TimeSpan.FromSeconds(10);
        });
        await generator.GenerateAsync(Request());

        var pending = generator.GenerateAsync(Request());

        Assert.True(pending.IsCompleted);
        var error = await Assert.ThrowsAsync<RateLimitedException>(() => pending);
        Assert.Equal(TimeSpan.FromMinutes(1), error.RetryAfter);
    }

    [Fact]
    public async Task GenerateAsync_RoomWithinMaxQueueWait_WaitsThenSendsAtTheRightMoment()
    {
        using var generator = Create(o =>
        {
            o.RequestsPerMinute = 1;
            o.MaxQueueWait = TimeSpan.FromMinutes(2);
        });
        var start = _time.GetUtcNow();
        await generator.GenerateAsync(Request());

        var pending = generator.GenerateAsync(Request());
        await AssertPendingAsync(pending);
        Assert.Equal(1, generator.WaitingCount);

        _time.Advance(TimeSpan.FromSeconds(59));
        await AssertPendingAsync(pending);
        _time.Advance(TimeSpan.FromSeconds(1));
        await pending.WaitAsync(Guard);

        Assert.Equal(start + TimeSpan.FromMinutes(1), _calls[1]);
        Assert.Equal(0, generator.WaitingCount);
    }

    [Fact]
    public async Task GenerateAsync_QueueFull_RejectsFurtherWaitersAtOnce()
    {
        using var generator = Create(o =>
        {
            o.RequestsPerMinute = 1;
            o.MaxQueueWait = TimeSpan.FromMinutes(2);
            o.QueueLimit = 1;
        });
        await generator.GenerateAsync(Request());
        var waiting = generator.GenerateAsync(Request());

        var error = await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request()));
        Assert.Contains("queue", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(1), error.RetryAfter);

        _time.Advance(TimeSpan.FromMinutes(1));
        await waiting.WaitAsync(Guard);
        Assert.Equal(2, CallCount);
    }

    [Fact]
    public async Task GenerateAsync_CancelledWhileQueued_ThrowsOperationCanceledAndNothingIsSent()
    {
        using var generator = Create(o =>
        {
            o.RequestsPerMinute = 1;
            o.MaxQueueWait = TimeSpan.FromMinutes(2);
        });
        await generator.GenerateAsync(Request());
        using var cts = new CancellationTokenSource();
        var pending = generator.GenerateAsync(Request(), cts.Token);
        await AssertPendingAsync(pending);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(Guard));
        Assert.Equal(0, generator.WaitingCount);
        _time.Advance(TimeSpan.FromMinutes(1));
        await generator.GenerateAsync(Request());
        Assert.Equal(2, CallCount);
    }

    [Fact]
    public async Task GenerateAsync_NoisyTenant_CannotStarveAnotherTenant()
    {
        using var generator = Create(o =>
        {
            o.RequestsPerMinute = 4;
            o.TenantRequestsPerMinute = 2;
            o.MaxQueueWait = TimeSpan.FromMinutes(5);
        });
        var noisy = Enumerable.Range(0, 6).Select(_ => generator.GenerateAsync(Request(tenant: "noisy"))).ToList();
        await AssertPendingAsync(noisy[^1]);

        // The quiet tenant is admitted at once although the noisy one has four requests waiting.
        var quiet = generator.GenerateAsync(Request(tenant: "quiet"));
        Assert.True(quiet.IsCompletedSuccessfully);
        Assert.Equal(2, noisy.Count(t => t.IsCompletedSuccessfully));
        Assert.Equal(4, generator.WaitingCount);

        _time.Advance(TimeSpan.FromMinutes(1));
        await WaitForAsync(() => noisy.Count(t => t.IsCompletedSuccessfully) == 4, "two more noisy requests after a minute");
        Assert.Equal(2, generator.WaitingCount);
    }

    [Fact]
    public async Task GenerateAsync_TenantLimitReached_DoesNotTouchTheGlobalBudget()
    {
        using var generator = Create(o =>
        {
            o.RequestsPerMinute = 3;
            o.TenantRequestsPerMinute = 1;
        });
        await generator.GenerateAsync(Request(tenant: "a"));
        await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request(tenant: "a")));
        await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request(tenant: "a")));

        await generator.GenerateAsync(Request(tenant: "b"));
        await generator.GenerateAsync(Request(tenant: null));
        await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request(tenant: "c")));
        Assert.Equal(3, CallCount);
    }

    [Fact]
    public async Task GenerateAsync_CustomTenantSelector_PartitionsByItsKey()
    {
        using var generator = Create(o =>
        {
            o.TenantRequestsPerMinute = 1;
            o.TenantKeySelector = r => r.Options?.ModelId;
        });
        await generator.GenerateAsync(new GenerationRequest([Message.User("x")], new GenerationOptions { ModelId = "m1" }));
        await generator.GenerateAsync(new GenerationRequest([Message.User("x")], new GenerationOptions { ModelId = "m2" }));

        await Assert.ThrowsAsync<RateLimitedException>(() =>
            generator.GenerateAsync(new GenerationRequest([Message.User("x")], new GenerationOptions { ModelId = "m1" })));
    }

    [Fact]
    public async Task GenerateAsync_ConcurrencyLimit_SecondWaitsForTheFirstToFinish()
    {
        var release = new TaskCompletionSource<GenerationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = new TestGenerator { GenerateAsyncCallback = (_, _) => release.Task };
        using var generator = Create(
            o =>
            {
                o.MaxConcurrentRequests = 1;
                o.MaxQueueWait = TimeSpan.FromSeconds(10);
            },
            inner: inner);
        var first = generator.GenerateAsync(Request());
        var second = generator.GenerateAsync(Request());
        await AssertPendingAsync(second);
        Assert.Single(inner.Requests);

        release.SetResult(new GenerationResult("done"));
        await first.WaitAsync(Guard);
        await second.WaitAsync(Guard);
        Assert.Equal(2, inner.Requests.Count);
    }

    [Fact]
    public async Task GenerateAsync_NoConcurrencySlotWithinMaxWait_RejectedAndTokensRefunded()
    {
        var release = new TaskCompletionSource<GenerationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = new TestGenerator { GenerateAsyncCallback = (_, _) => release.Task };
        using var generator = Create(
            o =>
            {
                o.MaxConcurrentRequests = 1;
                o.TokensPerMinute = 400;
                o.MaxQueueWait = TimeSpan.FromSeconds(10);
            },
            inner: inner);
        var first = generator.GenerateAsync(Request(maxTokens: 100));
        var second = generator.GenerateAsync(Request(maxTokens: 100));
        await AssertPendingAsync(second);

        _time.Advance(TimeSpan.FromSeconds(10));
        var error = await Assert.ThrowsAsync<RateLimitedException>(() => second.WaitAsync(Guard));
        Assert.Contains("concurrency", error.Message, StringComparison.Ordinal);

        // First holds 200 of 400 tokens; the refunded 200 of the second leave room for one more.
        release.SetResult(new GenerationResult("done"));
        await first.WaitAsync(Guard);
        await generator.GenerateAsync(Request(maxTokens: 100));
        Assert.Equal(2, inner.Requests.Count);
    }

    [Fact]
    public async Task StreamAsync_ReconcilesWithTheLastUpdatesUsage()
    {
        using var generator = Create(o => o.TokensPerMinute = 1000, _ => new Usage { PromptTokens = 100, CompletionTokens = 50 });
        for (var i = 0; i < 4; i++)
        {
            var text = "";
            await foreach (var update in generator.StreamAsync(Request(maxTokens: 400)))
            {
                text += update.Text;
            }

            Assert.Equal("ok", text);
        }

        await Assert.ThrowsAsync<RateLimitedException>(async () =>
        {
            await foreach (var _ in generator.StreamAsync(Request(maxTokens: 400)))
            {
            }
        });
        Assert.Equal(4, CallCount);
    }

    [Fact]
    public async Task StreamAsync_HoldsItsConcurrencySlotUntilTheStreamEnds()
    {
        using var generator = Create(o => o.MaxConcurrentRequests = 1);
        var first = generator.StreamAsync(Request()).GetAsyncEnumerator();
        Assert.True(await first.MoveNextAsync());

        var error = await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request()));
        Assert.Contains("concurrency", error.Message, StringComparison.Ordinal);

        while (await first.MoveNextAsync())
        {
        }

        await first.DisposeAsync();
        await generator.GenerateAsync(Request());
    }

    [Fact]
    public async Task StreamAsync_AbandonedEarly_ReleasesItsSlot()
    {
        using var generator = Create(o => o.MaxConcurrentRequests = 1);
        await foreach (var _ in generator.StreamAsync(Request()))
        {
            break;
        }

        await generator.GenerateAsync(Request());
        Assert.Equal(2, CallCount);
    }

    [Fact]
    public async Task GenerateAsync_BackendFails_ReleasesTheSlotAndKeepsTheEstimate()
    {
        var inner = new TestGenerator { GenerateAsyncCallback = (_, _) => Task.FromException<GenerationResult>(new ProviderException("boom")) };
        using var generator = Create(
            o =>
            {
                o.MaxConcurrentRequests = 1;
                o.TokensPerMinute = 500;
            },
            inner: inner);

        await Assert.ThrowsAsync<ProviderException>(() => generator.GenerateAsync(Request(maxTokens: 100)));
        await Assert.ThrowsAsync<ProviderException>(() => generator.GenerateAsync(Request(maxTokens: 100)));

        // 2 × 200 tokens charged; a third 200 does not fit in 500.
        await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request(maxTokens: 100)));
        Assert.Equal(2, inner.Requests.Count);
    }

    [Fact]
    public void EstimateCost_ChainOffersATokenizer_CountsWithIt()
    {
        var inner = new TestGenerator();
        var tokenizer = new CharacterTokenizer();
        inner.GetServiceCallback = (type, _) => type == typeof(ITokenizer) ? tokenizer : null;
        using var generator = new RateLimitingGenerator(inner, new RateLimitingOptions { RequestsPerMinute = 10 }, _time);

        // "hello world" = 11 characters + 4 per message, + 7 output tokens.
        Assert.Equal(11 + 4 + 7, generator.EstimateCost(Request("hello world", maxTokens: 7)));
    }

    [Fact]
    public void EstimateCost_NoTokenizer_UsesUtf8BytesOverFourRoundedUp()
    {
        using var generator = new RateLimitingGenerator(new TestGenerator(), new RateLimitingOptions { RequestsPerMinute = 10 }, _time);

        // "héllo" is 6 UTF-8 bytes → 2 tokens, + 4 per message, + 10 output.
        Assert.Equal(2 + 4 + 10, generator.EstimateCost(Request("héllo", maxTokens: 10)));
    }

    [Fact]
    public async Task Metrics_CountAdmittedQueuedAndRejectedWithReasons()
    {
        using var admitted = new MetricCollector<long>(_meters, RateLimitingMetrics.MeterName, "agents.rate_limit.admitted");
        using var queued = new MetricCollector<long>(_meters, RateLimitingMetrics.MeterName, "agents.rate_limit.queued");
        using var rejected = new MetricCollector<long>(_meters, RateLimitingMetrics.MeterName, "agents.rate_limit.rejected");
        using var generator = Create(o =>
        {
            o.RequestsPerMinute = 1;
            o.MaxQueueWait = TimeSpan.FromMinutes(2);
            o.QueueLimit = 1;
        });

        await generator.GenerateAsync(Request());
        var waiting = generator.GenerateAsync(Request());
        await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request()));
        _time.Advance(TimeSpan.FromMinutes(1));
        await waiting.WaitAsync(Guard);

        Assert.Equal(2, admitted.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, queued.GetMeasurementSnapshot().EvaluateAsCounter());
        var rejection = Assert.Single(rejected.GetMeasurementSnapshot());
        Assert.Equal("queue_full", rejection.Tags["agents.rate_limit.reason"]);
        Assert.Equal("local", rejection.Tags["agents.rate_limit.scope"]);
    }

    [Fact]
    public async Task GenerateAsync_ResponseArrivesAfterItsWindowExpired_ReconciliationChangesNothing()
    {
        var release = new TaskCompletionSource<GenerationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        var inner = new TestGenerator
        {
            GenerateAsyncCallback = (_, _) => Interlocked.Increment(ref calls) == 1
                ? release.Task
                : Task.FromResult(new GenerationResult("x")),
        };
        using var generator = Create(o => o.TokensPerMinute = 1000, inner: inner);
        var slow = generator.GenerateAsync(Request(maxTokens: 400));
        _time.Advance(TimeSpan.FromMinutes(2));
        await generator.GenerateAsync(Request(maxTokens: 400));

        // The slow request's 500 tokens left the window when the second was admitted; reconciling it to 0 now must
        // not credit them a second time.
        release.SetResult(new GenerationResult("late") { Usage = new Usage() });
        await slow.WaitAsync(Guard);
        await generator.GenerateAsync(Request(maxTokens: 400));
        await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request(maxTokens: 400)));
    }

    [Fact]
    public async Task Metrics_RejectionReason_NamesTheLimitThatRefused()
    {
        using var rejected = new MetricCollector<long>(_meters, RateLimitingMetrics.MeterName, "agents.rate_limit.rejected");
        using var generator = Create(o =>
        {
            o.RequestsPerMinute = 2;
            o.TokensPerMinute = 1000;
        });
        await generator.GenerateAsync(Request(maxTokens: 700));
        await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request(maxTokens: 700)));
        await generator.GenerateAsync(Request(maxTokens: 1));
        await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request(maxTokens: 1)));
        await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request(maxTokens: 5000)));

        Assert.Equal(
            ["tokens", "requests", "too_large"],
            rejected.GetMeasurementSnapshot().Select(m => (string?)m.Tags["agents.rate_limit.reason"]));
    }

    [Fact]
    public async Task UseRateLimiting_BuildsTheMiddlewareWithTheServicesClock()
    {
        var inner = UsageReportingGenerator.Create(_time, _calls, _ => null);
        using var generator = new GeneratorBuilder(inner)
            .UseRateLimiting(o =>
            {
                o.RequestsPerMinute = 1;
                o.MaxQueueWait = TimeSpan.Zero;
            })
            .Build(new SingleServiceProvider(typeof(TimeProvider), _time));

        Assert.NotNull(generator.GetService<RateLimitingGenerator>());
        await generator.GenerateAsync(Request());
        await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request()));
        _time.Advance(TimeSpan.FromMinutes(1));
        await generator.GenerateAsync(Request());
    }

    private sealed class CharacterTokenizer : ITokenizer
    {
        public int CountTokens(string text) => text.Length;

        public string Decode(IEnumerable<int> tokens) => throw new NotSupportedException();

        public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false) => throw new NotSupportedException();
    }
}

internal sealed class SingleServiceProvider(Type type, object service) : IServiceProvider
{
    public object? GetService(Type serviceType) => serviceType == type ? service : null;
}
