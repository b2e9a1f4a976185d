using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Agents.Safety.Resilience;
using Agents.Safety.Tests.RateLimiting;
using Agents.Testing;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using static Agents.Safety.Tests.RateLimiting.LimitsTestSupport;

namespace Agents.Safety.Tests.Resilience;

/// <summary>What a user observes of the middleware besides results: its log events, its metrics' tags, its backoff delays and its meter's lifetime.</summary>
public sealed class ResilienceTelemetryTests : IDisposable
{
    private const int RetryingEvent = 1;
    private const int FallingBackEvent = 5;

    private readonly FakeTimeProvider _time = new();
    private readonly LimitsMeterFactory _meters = new();
    private readonly FakeLogger<ResilienceGenerator> _logger = new();

    public void Dispose() => _meters.Dispose();

    private static ProviderException ServerError() => new("status 503") { StatusCode = 503, IsTransient = true };

    private ResilienceGenerator Create(IGenerator inner, Action<ResilienceOptions>? configure = null)
    {
        var options = new ResilienceOptions { UseJitter = false, EnableCircuitBreaker = false, BaseDelay = TimeSpan.Zero };
        configure?.Invoke(options);
        return new ResilienceGenerator(inner, options, _time, _logger, _meters);
    }

    private List<FakeLogRecord> Events(int id) => [.. _logger.Collector.GetSnapshot().Where(r => r.Id.Id == id)];

    /// <summary>A log event's field (not its text), as the fake logger formats it: invariantly.</summary>
    private static string? Field(FakeLogRecord record, string name) =>
        Assert.Single(record.StructuredState!, p => p.Key == name).Value;

    /// <summary>A generator that reports no <see cref="GeneratorMetadata"/> and fails its first call transiently.</summary>
    private static TestGenerator Anonymous()
    {
        var calls = 0;
        return new TestGenerator
        {
            GetServiceCallback = (_, _) => null,
            GenerateAsyncCallback = (_, _) => Interlocked.Increment(ref calls) == 1
                ? Task.FromException<GenerationResult>(ServerError())
                : Task.FromResult(new GenerationResult("anonymous")),
        };
    }

    [Fact]
    public async Task Retry_WithALogger_LogsEachRetryWithItsAttemptNumberAndTheFailuresType()
    {
        var backend = new ScriptedGenerator(_time, "primary", ServerError(), new TimeoutException(), null);
        using var generator = Create(backend.Generator);

        await generator.GenerateAsync(Request());

        var retries = Events(RetryingEvent);
        Assert.Equal(2, retries.Count);
        Assert.All(retries, r => Assert.Equal(LogLevel.Warning, r.Level));
        Assert.All(retries, r => Assert.Equal("primary", Field(r, "Backend")));
        Assert.Equal(["1", "2"], retries.Select(r => Field(r, "Attempt")));
        Assert.Equal(["ProviderException", "TimeoutException"], retries.Select(r => Field(r, "ErrorType")));
        Assert.IsType<TimeoutException>(retries[1].Exception);
    }

    [Fact]
    public async Task BackendName_Set_NamesTheBackendInMetricsAndLogsInsteadOfTheProvider()
    {
        using var retries = new MetricCollector<long>(_meters, ResilienceMetrics.MeterName, "agents.resilience.retries");
        using var fallbacks = new MetricCollector<long>(_meters, ResilienceMetrics.MeterName, "agents.resilience.fallbacks");
        var backend = new ScriptedGenerator(_time, "primary", ServerError(), ServerError());
        var fallback = new ScriptedGenerator(_time, "local");
        using var generator = Create(backend.Generator, o =>
        {
            o.MaxRetryAttempts = 1;
            o.BackendName = "openai-eu";
            o.FallbackGenerator = fallback.Generator;
        });

        await generator.GenerateAsync(Request());

        Assert.Equal("openai-eu", Assert.Single(retries.GetMeasurementSnapshot()).Tags["agents.resilience.backend"]);
        Assert.Equal("openai-eu", Assert.Single(fallbacks.GetMeasurementSnapshot()).Tags["agents.resilience.backend"]);
        Assert.Equal("openai-eu", Field(Assert.Single(Events(RetryingEvent)), "Backend"));
        Assert.Equal("openai-eu", Field(Assert.Single(Events(FallingBackEvent)), "Backend"));
    }

    [Fact]
    public async Task BackendName_UnsetAndTheBackendReportsNoMetadata_IsUnknown()
    {
        using var retries = new MetricCollector<long>(_meters, ResilienceMetrics.MeterName, "agents.resilience.retries");
        using var generator = Create(Anonymous());

        Assert.Equal("anonymous", (await generator.GenerateAsync(Request())).Text);

        Assert.Equal("unknown", Assert.Single(retries.GetMeasurementSnapshot()).Tags["agents.resilience.backend"]);
    }

    [Fact]
    public async Task Fallback_LogsTheFallbacksProviderNameModelAndTheFailure()
    {
        var failure = ServerError();
        var backend = new ScriptedGenerator(_time, "primary", failure);
        var fallback = new ScriptedGenerator(_time, "local");
        using var generator = Create(backend.Generator, o =>
        {
            o.MaxRetryAttempts = 0;
            o.FallbackGenerator = fallback.Generator;
            o.FallbackModelId = "small";
        });

        Assert.Equal("local:small", (await generator.GenerateAsync(Request())).Text);

        var record = Assert.Single(Events(FallingBackEvent));
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Equal("primary", Field(record, "Backend"));
        Assert.Equal("local", Field(record, "Fallback"));
        Assert.Equal("small", Field(record, "FallbackModel"));
        Assert.Equal("ProviderException", Field(record, "ErrorType"));
        Assert.Same(failure, record.Exception);
    }

    [Fact]
    public async Task Fallback_ReportingNoMetadata_IsCalledFallbackInTheLog()
    {
        var backend = new ScriptedGenerator(_time, "primary", ServerError());
        var fallback = new TestGenerator { GetServiceCallback = (_, _) => null };
        using var generator = Create(backend.Generator, o =>
        {
            o.MaxRetryAttempts = 0;
            o.FallbackGenerator = fallback;
        });

        await generator.GenerateAsync(Request());

        Assert.Equal("fallback", Field(Assert.Single(Events(FallingBackEvent)), "Fallback"));
        Assert.Single(fallback.Requests);
    }

    /// <summary>Runs one call that is retried once and returns the backoff delay the retry announced.</summary>
    private async Task<double> FirstRetryDelayAsync(ResilienceOptions options)
    {
        var backend = new ScriptedGenerator(_time, "primary", ServerError(), null);
        var logger = new FakeLogger<ResilienceGenerator>();
        using var generator = new ResilienceGenerator(backend.Generator, options, _time, logger, _meters);

        var call = generator.GenerateAsync(Request());
        await WaitForAsync(() => logger.Collector.Count > 0, "the retry");

        // The backoff timer is started just after the log event; advancing repeatedly cannot miss it.
        await WaitForAsync(
            () =>
            {
                _time.Advance(options.MaxDelay);
                return call.IsCompleted;
            },
            "the retried call");
        Assert.Equal("primary:", (await call).Text);
        Assert.Equal(2, backend.AttemptCount);
        return double.Parse(Field(logger.LatestRecord, "DelayMilliseconds")!, CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Backoff_JitterIsOnByDefault_TheDelayFollowsTheRandomSource()
    {
        var low = await FirstRetryDelayAsync(new ResilienceOptions { EnableCircuitBreaker = false, MaxRetryAttempts = 1, Randomizer = () => 0.1 });
        var high = await FirstRetryDelayAsync(new ResilienceOptions { EnableCircuitBreaker = false, MaxRetryAttempts = 1, Randomizer = () => 0.9 });

        Assert.NotEqual(low, high);
        Assert.InRange(low, 0, TimeSpan.FromSeconds(30).TotalMilliseconds);
        Assert.InRange(high, 0, TimeSpan.FromSeconds(30).TotalMilliseconds);
    }

    [Fact]
    public async Task Backoff_JitterOff_TheDelayIsTheBaseDelayWhateverTheRandomSource()
    {
        var low = await FirstRetryDelayAsync(new ResilienceOptions { EnableCircuitBreaker = false, MaxRetryAttempts = 1, UseJitter = false, Randomizer = () => 0.1 });
        var high = await FirstRetryDelayAsync(new ResilienceOptions { EnableCircuitBreaker = false, MaxRetryAttempts = 1, UseJitter = false, Randomizer = () => 0.9 });

        Assert.Equal(TimeSpan.FromSeconds(1).TotalMilliseconds, low);
        Assert.Equal(TimeSpan.FromSeconds(1).TotalMilliseconds, high);
    }

    [Fact]
    public async Task Dispose_WithoutAMeterFactory_DisposesTheMeterItCreated()
    {
        // Private meters share the name with other tests' ones: this generator's are told apart by a unique backend tag.
        var name = $"private-{Guid.NewGuid():N}";
        var ours = new ConcurrentDictionary<Instrument, bool>();
        var completed = new ConcurrentDictionary<Instrument, bool>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ResilienceMetrics.MeterName && instrument.Meter.Scope is null)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
            MeasurementsCompleted = (instrument, _) => completed.TryAdd(instrument, true),
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "agents.resilience.backend" && Equals(tag.Value, name))
                {
                    ours.TryAdd(instrument, true);
                }
            }
        });
        listener.Start();
        var backend = new ScriptedGenerator(_time, "primary", ServerError(), null);
        var generator = new ResilienceGenerator(
            backend.Generator,
            new ResilienceOptions { EnableCircuitBreaker = false, UseJitter = false, BaseDelay = TimeSpan.Zero, BackendName = name },
            _time);
        await generator.GenerateAsync(Request());
        var retries = Assert.Single(ours.Keys);
        Assert.Equal("agents.resilience.retries", retries.Name);
        Assert.False(completed.ContainsKey(retries));

        generator.Dispose();

        Assert.True(completed.ContainsKey(retries), "The generator's own meter was not disposed with it.");
        Assert.Equal(1, backend.Generator.DisposeCount);
    }

    [Fact]
    public void Dispose_WithAMeterFactory_LeavesTheFactorysMeterToTheFactory()
    {
        var factory = new LimitsMeterFactory();
        var published = new ConcurrentDictionary<Instrument, bool>();
        var completed = new ConcurrentDictionary<Instrument, bool>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == factory)
                {
                    published.TryAdd(instrument, true);
                    l.EnableMeasurementEvents(instrument);
                }
            },
            MeasurementsCompleted = (instrument, _) => completed.TryAdd(instrument, true),
        };
        listener.Start();
        var generator = new ResilienceGenerator(new TestGenerator(), new ResilienceOptions(), _time, meterFactory: factory);
        Assert.Equal(3, published.Count);

        generator.Dispose();

        Assert.Empty(completed);
        factory.Dispose();
        Assert.Equal(published.Keys.OrderBy(i => i.Name), completed.Keys.OrderBy(i => i.Name));
    }
}
