using Agents.Safety.RateLimiting;
using Agents.Safety.Tests.Redis;
using Agents.Testing;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using StackExchange.Redis;
using static Agents.Safety.Tests.RateLimiting.LimitsTestSupport;

namespace Agents.Safety.Tests.RateLimiting;

/// <summary>Against a real redis-server started per test (see <see cref="RedisServer"/>).</summary>
public sealed class RedisRateLimitingTests : IDisposable
{
    private readonly LimitsMeterFactory _meters = new();
    private readonly string _prefix = "{agents-test-" + Guid.NewGuid().ToString("N") + "}:";

    public void Dispose() => _meters.Dispose();

    private RateLimitingGenerator Create(
        IConnectionMultiplexer connection, TestGenerator inner, Action<RateLimitingOptions> configure, ILogger? logger = null)
    {
        var options = new RateLimitingOptions
        {
            MaxQueueWait = TimeSpan.Zero,
            PromptTokenEstimator = _ => 100,
            Distributed = new DistributedRateLimitingOptions { Connection = connection, KeyPrefix = _prefix },
        };
        configure(options);
        return new RateLimitingGenerator(inner, options, logger: logger, meterFactory: _meters);
    }

    [Fact]
    public async Task TwoInstances_ShareOneRequestBudget()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connectionA = await redis.ConnectAsync();
        using var connectionB = await redis.ConnectAsync();
        var innerA = new TestGenerator();
        var innerB = new TestGenerator();
        using var a = Create(connectionA, innerA, o => o.RequestsPerMinute = 5);
        using var b = Create(connectionB, innerB, o => o.RequestsPerMinute = 5);

        var admitted = 0;
        var rejections = new List<RateLimitedException>();
        for (var i = 0; i < 8; i++)
        {
            try
            {
                await (i % 2 == 0 ? a : b).GenerateAsync(Request());
                admitted++;
            }
            catch (RateLimitedException ex)
            {
                rejections.Add(ex);
            }
        }

        Assert.Equal(5, admitted);
        Assert.Equal(5, innerA.Requests.Count + innerB.Requests.Count);
        Assert.True(innerA.Requests.Count >= 2 && innerB.Requests.Count >= 2, "both instances drew on the budget");
        Assert.All(rejections, ex => Assert.InRange(ex.RetryAfter!.Value, TimeSpan.FromSeconds(50), TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task TwoInstances_ShareTokensAndReconcileThroughRedis()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connectionA = await redis.ConnectAsync();
        using var connectionB = await redis.ConnectAsync();
        var inner = new TestGenerator
        {
            GenerateAsyncCallback = (_, _) => Task.FromResult(new GenerationResult("ok") { Usage = new Usage { PromptTokens = 100, CompletionTokens = 50 } }),
        };
        using var a = Create(connectionA, inner, o => o.TokensPerMinute = 1000);
        using var b = Create(connectionB, inner, o => o.TokensPerMinute = 1000);

        // 500 estimated, 150 actual: after reconciliation four fit in 1,000 across both instances.
        await a.GenerateAsync(Request(maxTokens: 400));
        await b.GenerateAsync(Request(maxTokens: 400));
        await a.GenerateAsync(Request(maxTokens: 400));
        await b.GenerateAsync(Request(maxTokens: 400));
        await Assert.ThrowsAsync<RateLimitedException>(() => a.GenerateAsync(Request(maxTokens: 400)));
        await Assert.ThrowsAsync<RateLimitedException>(() => b.GenerateAsync(Request(maxTokens: 400)));
        Assert.Equal(4, inner.Requests.Count);
    }

    [Fact]
    public async Task TenantLimits_AreSharedPerTenant()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connectionA = await redis.ConnectAsync();
        using var connectionB = await redis.ConnectAsync();
        var inner = new TestGenerator();
        using var a = Create(connectionA, inner, o => o.TenantRequestsPerMinute = 2);
        using var b = Create(connectionB, inner, o => o.TenantRequestsPerMinute = 2);

        await a.GenerateAsync(Request(tenant: "x"));
        await b.GenerateAsync(Request(tenant: "x"));
        await Assert.ThrowsAsync<RateLimitedException>(() => a.GenerateAsync(Request(tenant: "x")));
        await b.GenerateAsync(Request(tenant: "y"));
        Assert.Equal(3, inner.Requests.Count);
    }

    [Fact]
    public async Task RedisStopped_FailClosed_RejectsWithoutSendingWarnsAndCounts()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await redis.ConnectAsync();
        using var unavailable = new MetricCollector<long>(_meters, RateLimitingMetrics.MeterName, "agents.rate_limit.store_unavailable");
        var logger = new FakeLogger();
        var inner = new TestGenerator();
        using var generator = Create(
            connection,
            inner,
            o =>
            {
                o.RequestsPerMinute = 100;
                o.MaxQueueWait = TimeSpan.FromMinutes(1);
                o.Distributed!.WhenUnavailable = RedisUnavailableBehavior.FailClosed;
                o.Distributed.UnavailableRetryInterval = TimeSpan.FromSeconds(7);
            },
            logger);
        await generator.GenerateAsync(Request());

        redis.Stop();
        var first = await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request()));
        var secondCall = generator.GenerateAsync(Request());

        // Refused at once, although MaxQueueWait would allow waiting for Redis to come back.
        Assert.True(secondCall.IsCompleted);
        var second = await Assert.ThrowsAsync<RateLimitedException>(() => secondCall);

        Assert.Contains("Redis", first.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(7), first.RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(7), second.RetryAfter);
        Assert.Single(inner.Requests);
        Assert.Equal("fail_closed", Assert.Single(unavailable.GetMeasurementSnapshot()).Tags["agents.rate_limit.behavior"]);
        var warning = Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("FailClosed", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedisStopped_FallBackToLocalShare_ServesUnderTheScaledLimit()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await redis.ConnectAsync();
        using var unavailable = new MetricCollector<long>(_meters, RateLimitingMetrics.MeterName, "agents.rate_limit.store_unavailable");
        using var admittedCounter = new MetricCollector<long>(_meters, RateLimitingMetrics.MeterName, "agents.rate_limit.admitted");
        var logger = new FakeLogger();
        var inner = new TestGenerator();
        using var generator = Create(
            connection,
            inner,
            o =>
            {
                o.RequestsPerMinute = 6;
                o.Distributed!.WhenUnavailable = RedisUnavailableBehavior.FallBackToLocalShare;
                o.Distributed.InstanceShare = 0.5;
            },
            logger);
        await generator.GenerateAsync(Request());

        redis.Stop();
        var admitted = 0;
        for (var i = 0; i < 5; i++)
        {
            try
            {
                await generator.GenerateAsync(Request());
                admitted++;
            }
            catch (RateLimitedException)
            {
            }
        }

        // Half of 6 per minute, counted locally from the moment Redis went away.
        Assert.Equal(3, admitted);
        Assert.Equal(4, inner.Requests.Count);
        Assert.Equal("fall_back_to_local_share", Assert.Single(unavailable.GetMeasurementSnapshot()).Tags["agents.rate_limit.behavior"]);
        Assert.Equal(3, admittedCounter.GetMeasurementSnapshot().Count(m => (string?)m.Tags["agents.rate_limit.scope"] == "fallback"));
        Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task RedisBack_AfterTheRetryInterval_SharedBudgetUsedAgain()
    {
        var redis = await RedisServer.StartAsync();
        var port = redis.Port;
        using var connection = await redis.ConnectAsync();
        using var admitted = new MetricCollector<long>(_meters, RateLimitingMetrics.MeterName, "agents.rate_limit.admitted");
        var logger = new FakeLogger();
        var inner = new TestGenerator();
        using var generator = Create(
            connection,
            inner,
            o =>
            {
                o.RequestsPerMinute = 1000;
                o.Distributed!.UnavailableRetryInterval = TimeSpan.FromMilliseconds(100);
            },
            logger);
        await generator.GenerateAsync(Request());
        await redis.DisposeAsync();
        await generator.GenerateAsync(Request());

        // Same port, as after a restart; the client reconnects on its own.
        await using var restarted = await RedisServer.StartAsync(port);
        var deadline = DateTime.UtcNow + Guard;
        while (admitted.GetMeasurementSnapshot().Count(m => (string?)m.Tags["agents.rate_limit.scope"] == "distributed") < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the limiter never went back to Redis");
            await Task.Delay(50);
            await generator.GenerateAsync(Request());
        }

        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Information && r.Message.Contains("reachable again", StringComparison.Ordinal));
    }
}
