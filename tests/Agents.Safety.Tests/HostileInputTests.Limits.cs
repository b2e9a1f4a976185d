using Agents.Safety.RateLimiting;
using Agents.Safety.Resilience;
using Agents.Safety.Tests.Redis;
using Agents.Safety.Tests.Resilience;
using Agents.Testing;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using static Agents.Safety.Tests.RateLimiting.LimitsTestSupport;

namespace Agents.Safety.Tests;

/// <summary>Hostile inputs against the rate limiter and the resilience middleware.</summary>
public partial class HostileInputTests
{
    [Fact]
    public async Task RateLimiting_EndlessNewTenantKeys_MemoryStaysBounded()
    {
        var time = new FakeTimeProvider();
        using var budget = new LocalRateBudget(new PartitionLimits(null, null), new PartitionLimits(1, null), time, TimeSpan.FromMinutes(1));
        for (var i = 0; i < 5000; i++)
        {
            Assert.True((await budget.TryAcquireAsync("tenant-" + i, 1, default)).IsAdmitted);
        }

        time.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 5000; i++)
        {
            Assert.True((await budget.TryAcquireAsync("other-" + i, 1, default)).IsAdmitted);
        }

        // The sweep at the 8,192nd admission dropped the 5,000 expired tenants; only the 5,000 new ones remain (10,000 without it).
        Assert.Equal(5000, budget.TenantCount);
    }

    [Fact]
    public async Task RateLimiting_HugePromptAndMaxTokens_RejectedAsTooLargeWithoutOverflow()
    {
        var inner = new TestGenerator();
        using var generator = new RateLimitingGenerator(
            inner, new RateLimitingOptions { TokensPerMinute = 100_000, MaxQueueWait = TimeSpan.FromMinutes(1) }, new FakeTimeProvider());
        var request = new GenerationRequest([Message.User(new string('x', 4_000_000))], new GenerationOptions { MaxTokens = int.MaxValue });

        Assert.Equal(1_000_004L + int.MaxValue, generator.EstimateCost(request));
        var error = await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(request));
        Assert.False(error.IsTransient);
        Assert.Empty(inner.Requests);
    }

    [Fact]
    public async Task RateLimiting_BackendReportsNegativeOrOverflowingUsage_NoBudgetIsMinted()
    {
        var time = new FakeTimeProvider();
        var usages = new Queue<Usage>([
            new Usage { PromptTokens = -1_000_000, CompletionTokens = 0 },
            new Usage { PromptTokens = int.MaxValue, CompletionTokens = int.MaxValue },
        ]);
        var inner = new TestGenerator
        {
            GenerateAsyncCallback = (_, _) => Task.FromResult(new GenerationResult("x") { Usage = usages.Dequeue() }),
        };
        using var generator = new RateLimitingGenerator(
            inner, new RateLimitingOptions { TokensPerMinute = 1000, MaxQueueWait = TimeSpan.Zero, PromptTokenEstimator = _ => 100 }, time);

        await generator.GenerateAsync(Request(maxTokens: 100));
        await generator.GenerateAsync(Request(maxTokens: 100));

        // The overflowing usage was charged as a huge positive number, not a negative one.
        await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request(maxTokens: 100)));
        Assert.Equal(2, inner.Requests.Count);
    }

    [Fact]
    public async Task RateLimiting_ManyThreadsAtOnce_AdmitExactlyTheLimit()
    {
        var inner = new TestGenerator();
        using var generator = new RateLimitingGenerator(
            inner, new RateLimitingOptions { RequestsPerMinute = 50, MaxQueueWait = TimeSpan.Zero }, new FakeTimeProvider());

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(async () =>
        {
            try
            {
                await generator.GenerateAsync(Request());
                return true;
            }
            catch (RateLimitedException)
            {
                return false;
            }
        })));

        Assert.Equal(50, outcomes.Count(o => o));
        Assert.Equal(50, inner.Requests.Count);
    }

    [Fact]
    public async Task RateLimiting_HostileTenantKeysInRedis_StayShortAndSeparate()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await redis.ConnectAsync();
        var prefix = "{hostile-" + Guid.NewGuid().ToString("N") + "}:";
        var inner = new TestGenerator();
        using var generator = new RateLimitingGenerator(inner, new RateLimitingOptions
        {
            TenantRequestsPerMinute = 1,
            MaxQueueWait = TimeSpan.Zero,
            Distributed = new DistributedRateLimitingOptions { Connection = connection, KeyPrefix = prefix },
        });
        string[] tenants = [new string('k', 1_000_000), "*", "a}:{b", "line\nbreak\0nul", "' or 1=1 --", "global"];

        foreach (var tenant in tenants)
        {
            await generator.GenerateAsync(Request(tenant: tenant));
        }

        foreach (var tenant in tenants)
        {
            await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Request(tenant: tenant)));
        }

        var keys = connection.GetServer(redis.Endpoint).Keys(pattern: prefix + "*").ToList();
        Assert.Equal(tenants.Length * 3, keys.Count); // three keys per tenant, none for the unlimited global partition
        Assert.All(keys, k => Assert.True(((string)k!).Length < 300, $"key of {((string)k!).Length} characters"));
    }

    [Fact]
    public async Task Resilience_AbsurdRetryAfter_ClampedToTheCap()
    {
        var time = new FakeTimeProvider();
        var backend = new ScriptedGenerator(time, "p", new RateLimitedException("429", TimeSpan.MaxValue), new RateLimitedException("429", TimeSpan.FromSeconds(-5)), null);
        using var generator = new ResilienceGenerator(
            backend.Generator, new ResilienceOptions { MaxRetryAfter = TimeSpan.FromSeconds(2), EnableCircuitBreaker = false }, time);
        var start = time.GetUtcNow();

        var call = generator.GenerateAsync(Request());
        await AssertPendingAsync(call);
        time.Advance(TimeSpan.FromSeconds(2));
        await call.WaitAsync(Guard);

        // MaxValue became the 2 s cap; the negative wait became no wait at all.
        Assert.Equal([start, start + TimeSpan.FromSeconds(2), start + TimeSpan.FromSeconds(2)], backend.Attempts);
    }

    [Fact]
    public async Task Resilience_StreamAsyncThrowsSynchronously_TreatedLikeAnyFailure()
    {
        var calls = 0;
        var inner = new TestGenerator
        {
            StreamAsyncCallback = (_, ct) => ++calls == 1
                ? throw new ProviderException("refused") { StatusCode = 503 }
                : ScriptedGenerator.Stream(["ok"], null, ct),
        };
        using var generator = new ResilienceGenerator(
            inner, new ResilienceOptions { BaseDelay = TimeSpan.Zero, EnableCircuitBreaker = false }, new FakeTimeProvider());

        var text = "";
        await foreach (var update in generator.StreamAsync("hi"))
        {
            text += update.Text;
        }

        Assert.Equal("ok", text);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Resilience_FallbackFailsToo_ItsFailureSurfaces()
    {
        var time = new FakeTimeProvider();
        var fallbackFailure = new ProviderException("fallback down") { StatusCode = 500 };
        var primary = new ScriptedGenerator(time, "p", new ProviderException("down") { StatusCode = 503 });
        var fallback = new ScriptedGenerator(time, "f", fallbackFailure);
        using var generator = new ResilienceGenerator(
            primary.Generator,
            new ResilienceOptions { MaxRetryAttempts = 0, EnableCircuitBreaker = false, FallbackGenerator = fallback.Generator },
            time);

        var thrown = await Assert.ThrowsAsync<ProviderException>(() => generator.GenerateAsync(Request()));

        Assert.Same(fallbackFailure, thrown);
    }

    [Fact]
    public void Options_NullSelectorOrNaNShare_RejectedWithTheirNames()
    {
        var error = Assert.Throws<ArgumentException>(() => new RateLimitingOptions
        {
            RequestsPerMinute = 1,
            TenantKeySelector = null!,
            Distributed = new DistributedRateLimitingOptions { InstanceShare = double.NaN, UnavailableRetryInterval = TimeSpan.Zero },
        }.Validate());

        Assert.Contains("TenantKeySelector", error.Message, StringComparison.Ordinal);
        Assert.Contains("InstanceShare", error.Message, StringComparison.Ordinal);
        Assert.Contains("UnavailableRetryInterval", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ResilienceOptions { FailureRatio = double.NaN }.Validate());
    }
}
