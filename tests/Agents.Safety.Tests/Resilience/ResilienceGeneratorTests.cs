using Agents.Safety.Resilience;
using Agents.Safety.Tests.RateLimiting;
using Agents.Testing;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;
using static Agents.Safety.Tests.RateLimiting.LimitsTestSupport;

namespace Agents.Safety.Tests.Resilience;

public sealed class ResilienceGeneratorTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly LimitsMeterFactory _meters = new();

    public void Dispose() => _meters.Dispose();

    private static ProviderException ServerError(int status = 503) => new($"status {status}") { StatusCode = status, IsTransient = status >= 500 };

    private ResilienceGenerator Create(IGenerator inner, Action<ResilienceOptions>? configure = null)
    {
        var options = new ResilienceOptions { UseJitter = false, EnableCircuitBreaker = false };
        configure?.Invoke(options);
        return new ResilienceGenerator(inner, options, _time, meterFactory: _meters);
    }

    /// <summary>Advances the fake clock to <paramref name="at"/> after the start, asserting the attempt happens then and not a tick earlier.</summary>
    private async Task ExpectAttemptAtAsync(ScriptedGenerator backend, DateTimeOffset start, TimeSpan at, int attemptNumber)
    {
        var almost = start + at - TimeSpan.FromTicks(1) - _time.GetUtcNow();
        if (almost > TimeSpan.Zero)
        {
            _time.Advance(almost);
        }

        await Task.Delay(20);
        Assert.Equal(attemptNumber - 1, backend.AttemptCount);
        _time.Advance(TimeSpan.FromTicks(1));
        await WaitForAsync(() => backend.AttemptCount == attemptNumber, $"attempt {attemptNumber} at {at}");
        Assert.Equal(start + at, backend.Attempts[attemptNumber - 1]);
    }

    [Fact]
    public async Task GenerateAsync_TransientFailures_RetriedWithExponentialBackoff()
    {
        var backend = new ScriptedGenerator(_time, "primary", ServerError(), ServerError(502), new TimeoutException(), null);
        using var generator = Create(backend.Generator, o => o.BaseDelay = TimeSpan.FromSeconds(1));
        var start = _time.GetUtcNow();

        var call = generator.GenerateAsync(Request());

        await ExpectAttemptAtAsync(backend, start, TimeSpan.FromSeconds(1), 2);
        await ExpectAttemptAtAsync(backend, start, TimeSpan.FromSeconds(3), 3);
        await ExpectAttemptAtAsync(backend, start, TimeSpan.FromSeconds(7), 4);
        Assert.Equal("primary:", (await call.WaitAsync(Guard)).Text);
    }

    [Fact]
    public async Task GenerateAsync_RateLimitedWithRetryAfter_WaitsExactlyThatLong()
    {
        var backend = new ScriptedGenerator(_time, "primary", new RateLimitedException("429", TimeSpan.FromSeconds(7)), null);
        using var generator = Create(backend.Generator);
        var start = _time.GetUtcNow();

        var call = generator.GenerateAsync(Request());

        await ExpectAttemptAtAsync(backend, start, TimeSpan.FromSeconds(7), 2);
        await call.WaitAsync(Guard);
    }

    [Fact]
    public async Task GenerateAsync_RetryAfterAboveTheCap_WaitsOnlyTheCap()
    {
        var backend = new ScriptedGenerator(_time, "primary", new RateLimitedException("429", TimeSpan.FromMinutes(10)), null);
        using var generator = Create(backend.Generator, o => o.MaxRetryAfter = TimeSpan.FromSeconds(20));
        var start = _time.GetUtcNow();

        var call = generator.GenerateAsync(Request());

        await ExpectAttemptAtAsync(backend, start, TimeSpan.FromSeconds(20), 2);
        await call.WaitAsync(Guard);
    }

    [Fact]
    public async Task GenerateAsync_RetryAfterAboveMaxDelay_StillHonoured()
    {
        var backend = new ScriptedGenerator(_time, "primary", new RateLimitedException("429", TimeSpan.FromSeconds(45)), null);
        using var generator = Create(backend.Generator, o => o.MaxDelay = TimeSpan.FromSeconds(5));
        var start = _time.GetUtcNow();

        var call = generator.GenerateAsync(Request());

        await ExpectAttemptAtAsync(backend, start, TimeSpan.FromSeconds(45), 2);
        await call.WaitAsync(Guard);
    }

    public static TheoryData<Exception> NonTransientFailures() =>
    [
        new ProviderException("bad request") { StatusCode = 400 },
        new ProviderException("unauthorized") { StatusCode = 401 },
        new ProviderException("not found") { StatusCode = 404, IsTransient = true },
        new InvalidRequestException("bad option") { StatusCode = 400 },
        new ValidationFailedException("json", ["not JSON"]),
        new ContextWindowExceededException(5000, 4096),
        new ContentBlockedException("blocked"),
        new RateLimitedException("insufficient_quota") { IsTransient = false },
        new ArgumentException("bad"),
    ];

    [Theory]
    [MemberData(nameof(NonTransientFailures))]
    public async Task GenerateAsync_NonTransientFailure_NotRetriedAndPassedThroughUntouched(Exception failure)
    {
        var backend = new ScriptedGenerator(_time, "primary", failure, null);
        var fallback = new ScriptedGenerator(_time, "fallback");
        using var generator = Create(backend.Generator, o =>
        {
            o.BaseDelay = TimeSpan.Zero;
            o.FallbackGenerator = fallback.Generator;
        });

        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => generator.GenerateAsync(Request()));

        Assert.Same(failure, thrown);
        Assert.Equal(1, backend.AttemptCount);
        Assert.Equal(0, fallback.AttemptCount);
    }

    [Fact]
    public async Task GenerateAsync_RetriesExhausted_LastFailureSurfaces()
    {
        var last = ServerError(500);
        var backend = new ScriptedGenerator(_time, "primary", ServerError(), ServerError(), last);
        using var generator = Create(backend.Generator, o =>
        {
            o.MaxRetryAttempts = 2;
            o.BaseDelay = TimeSpan.Zero;
        });

        var thrown = await Assert.ThrowsAsync<ProviderException>(() => generator.GenerateAsync(Request()));

        Assert.Same(last, thrown);
        Assert.Equal(3, backend.AttemptCount);
    }

    [Fact]
    public async Task GenerateAsync_CancelledWhileBackingOff_ThrowsOperationCanceledWithoutAnotherAttempt()
    {
        var backend = new ScriptedGenerator(_time, "primary", ServerError(), null);
        using var generator = Create(backend.Generator, o => o.BaseDelay = TimeSpan.FromSeconds(10));
        using var cts = new CancellationTokenSource();
        var call = generator.GenerateAsync(Request(), cts.Token);
        await AssertPendingAsync(call);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Guard));
        _time.Advance(TimeSpan.FromMinutes(1));
        await Task.Delay(20);
        Assert.Equal(1, backend.AttemptCount);
    }

    [Fact]
    public async Task CircuitBreaker_OpensHalfOpensAndCloses_CountingEachTransition()
    {
        using var changes = new MetricCollector<long>(_meters, ResilienceMetrics.MeterName, "agents.resilience.breaker_state_changes");
        var backend = new ScriptedGenerator(_time, "primary", ServerError(), ServerError(), null, null);
        using var generator = Create(backend.Generator, o =>
        {
            o.MaxRetryAttempts = 0;
            o.EnableCircuitBreaker = true;
            o.MinimumThroughput = 2;
            o.FailureRatio = 0.5;
            o.BreakDuration = TimeSpan.FromSeconds(10);
        });

        await Assert.ThrowsAsync<ProviderException>(() => generator.GenerateAsync(Request()));
        await Assert.ThrowsAsync<ProviderException>(() => generator.GenerateAsync(Request()));
        Assert.Equal(CircuitState.Open, generator.CircuitState);

        var open = await Assert.ThrowsAsync<ProviderException>(() => generator.GenerateAsync(Request()));
        Assert.Equal("circuit_open", open.ErrorCode);
        Assert.True(open.IsTransient);
        Assert.IsType<BrokenCircuitException>(open.InnerException, exactMatch: false);
        Assert.Equal(2, backend.AttemptCount);

        _time.Advance(TimeSpan.FromSeconds(10));
        await generator.GenerateAsync(Request());
        Assert.Equal(CircuitState.Closed, generator.CircuitState);
        Assert.Equal(3, backend.AttemptCount);

        var states = changes.GetMeasurementSnapshot().Select(m => (string?)m.Tags["agents.resilience.breaker_state"]).ToList();
        Assert.Equal(["open", "half_open", "closed"], states);
        Assert.All(changes.GetMeasurementSnapshot(), m => Assert.Equal("primary", m.Tags["agents.resilience.backend"]));
    }

    [Fact]
    public async Task CircuitBreaker_HalfOpenTrialFails_OpensAgain()
    {
        var backend = new ScriptedGenerator(_time, "primary", ServerError(), ServerError(), ServerError(), null);
        using var generator = Create(backend.Generator, o =>
        {
            o.MaxRetryAttempts = 0;
            o.EnableCircuitBreaker = true;
            o.MinimumThroughput = 2;
            o.BreakDuration = TimeSpan.FromSeconds(10);
        });
        await Assert.ThrowsAsync<ProviderException>(() => generator.GenerateAsync(Request()));
        await Assert.ThrowsAsync<ProviderException>(() => generator.GenerateAsync(Request()));
        _time.Advance(TimeSpan.FromSeconds(10));

        var trial = await Assert.ThrowsAsync<ProviderException>(() => generator.GenerateAsync(Request()));

        Assert.Equal(503, trial.StatusCode);
        Assert.Equal(CircuitState.Open, generator.CircuitState);
        Assert.Equal(3, backend.AttemptCount);
    }

    [Fact]
    public async Task CircuitBreaker_NonTransientFailures_DoNotOpenIt()
    {
        var backend = new ScriptedGenerator(_time, "primary", new InvalidRequestException("a"), new InvalidRequestException("b"), new InvalidRequestException("c"));
        using var generator = Create(backend.Generator, o =>
        {
            o.EnableCircuitBreaker = true;
            o.MinimumThroughput = 2;
        });
        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<InvalidRequestException>(() => generator.GenerateAsync(Request()));
        }

        Assert.Equal(CircuitState.Closed, generator.CircuitState);
    }

    [Fact]
    public async Task GenerateAsync_PrimaryFailsAfterRetries_FallsBackWithTheMappedModel()
    {
        using var fallbacks = new MetricCollector<long>(_meters, ResilienceMetrics.MeterName, "agents.resilience.fallbacks");
        using var retries = new MetricCollector<long>(_meters, ResilienceMetrics.MeterName, "agents.resilience.retries");
        var backend = new ScriptedGenerator(_time, "primary", ServerError(), ServerError());
        var fallback = new ScriptedGenerator(_time, "local");
        using var generator = Create(backend.Generator, o =>
        {
            o.MaxRetryAttempts = 1;
            o.BaseDelay = TimeSpan.Zero;
            o.FallbackGenerator = fallback.Generator;
            o.FallbackModelMap["gpt-big"] = "tiny-local";
        });
        var request = new GenerationRequest([Message.User("hi")], new GenerationOptions { ModelId = "gpt-big" });

        var result = await generator.GenerateAsync(request);

        Assert.Equal("local:tiny-local", result.Text);
        Assert.Equal(2, backend.AttemptCount);
        Assert.Equal("gpt-big", request.Options!.ModelId);
        Assert.Equal("primary", Assert.Single(fallbacks.GetMeasurementSnapshot()).Tags["agents.resilience.backend"]);
        Assert.Equal(typeof(ProviderException).FullName, Assert.Single(retries.GetMeasurementSnapshot()).Tags["error.type"]);
    }

    [Fact]
    public async Task GenerateAsync_UnmappedModel_FallbackGetsTheDefaultFallbackModel()
    {
        var backend = new ScriptedGenerator(_time, "primary", ServerError());
        var fallback = new ScriptedGenerator(_time, "local");
        using var generator = Create(backend.Generator, o =>
        {
            o.MaxRetryAttempts = 0;
            o.FallbackGenerator = fallback.Generator;
            o.FallbackModelId = "small";
            o.FallbackModelMap["other"] = "x";
        });

        var result = await generator.GenerateAsync(new GenerationRequest([Message.User("hi")], new GenerationOptions { ModelId = "gpt-big" }));

        Assert.Equal("local:small", result.Text);
    }

    [Fact]
    public async Task GenerateAsync_CircuitOpen_GoesStraightToTheFallback()
    {
        var backend = new ScriptedGenerator(_time, "primary", ServerError(), ServerError());
        var fallback = new ScriptedGenerator(_time, "local");
        using var generator = Create(backend.Generator, o =>
        {
            o.MaxRetryAttempts = 0;
            o.EnableCircuitBreaker = true;
            o.MinimumThroughput = 2;
            o.FallbackGenerator = fallback.Generator;
        });
        await generator.GenerateAsync(Request());
        await generator.GenerateAsync(Request());

        await generator.GenerateAsync(Request());

        Assert.Equal(2, backend.AttemptCount);
        Assert.Equal(3, fallback.AttemptCount);
    }

    [Fact]
    public async Task GenerateAsync_TotalTimeout_SurfacesAsTypedTimeout()
    {
        var inner = new TestGenerator
        {
            GenerateAsyncCallback = async (_, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return new GenerationResult("never");
            },
        };
        using var generator = Create(inner, o => o.TotalTimeout = TimeSpan.FromSeconds(30));

        var call = generator.GenerateAsync(Request());
        await AssertPendingAsync(call);
        _time.Advance(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<ProviderException>(() => call.WaitAsync(Guard));
        Assert.Equal("timeout", error.ErrorCode);
        Assert.IsType<TimeoutException>(error.InnerException);
    }

    [Fact]
    public async Task GenerateAsync_AttemptTimeout_RetriedAsTransient()
    {
        var attempts = 0;
        var inner = new TestGenerator
        {
            GenerateAsyncCallback = async (_, ct) =>
            {
                if (Interlocked.Increment(ref attempts) == 1)
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }

                return new GenerationResult("second");
            },
        };
        using var generator = Create(inner, o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(5);
            o.BaseDelay = TimeSpan.Zero;
        });

        var call = generator.GenerateAsync(Request());
        await AssertPendingAsync(call);
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal("second", (await call.WaitAsync(Guard)).Text);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task UseResilience_BuildsWithTheServicesClockAndValidatesWhenAdded()
    {
        var backend = new ScriptedGenerator(_time, "primary", new RateLimitedException("429", TimeSpan.FromSeconds(3)), null);
        using var generator = new GeneratorBuilder(backend.Generator)
            .UseResilience(o => o.EnableCircuitBreaker = false)
            .Build(new SingleServiceProvider(typeof(TimeProvider), _time));
        var start = _time.GetUtcNow();

        var call = generator.GenerateAsync(Request());
        await ExpectAttemptAtAsync(backend, start, TimeSpan.FromSeconds(3), 2);
        await call.WaitAsync(Guard);

        Assert.NotNull(generator.GetService<ResilienceGenerator>());
        Assert.Throws<ArgumentException>(() => new GeneratorBuilder(backend.Generator).UseResilience(o => o.MaxRetryAttempts = -1));
    }
}
