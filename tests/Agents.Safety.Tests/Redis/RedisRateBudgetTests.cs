using System.Security.Cryptography;
using System.Text;
using Agents.Safety.RateLimiting;
using Agents.Safety.Tests.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Agents.Safety.Tests.Redis;

/// <summary>What <see cref="RedisRateBudget"/> stores in and reads from a real redis-server, and how it rides out errors.</summary>
public sealed class RedisRateBudgetTests : IAsyncLifetime, IDisposable
{
    private const string Prefix = "{rl}:";

    private readonly LimitsMeterFactory _meters = new();
    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger _logger = new();
    private RedisServer? _redis;
    private ConnectionMultiplexer? _connection;

    private IDatabase Db => _connection!.GetDatabase();

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _connection = await _redis.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    public void Dispose() => _meters.Dispose();

    private RedisRateBudget Create(PartitionLimits global, PartitionLimits tenant, Action<DistributedRateLimitingOptions>? configure = null)
    {
        var options = new DistributedRateLimitingOptions { Connection = _connection, KeyPrefix = Prefix };
        configure?.Invoke(options);
        return new RedisRateBudget(_connection!, options, global, tenant, TimeSpan.FromMinutes(1), _time, new RateLimitingMetrics(_meters), _logger);
    }

    private async Task<long> Members(string partition) => await Db.SortedSetLengthAsync(Prefix + partition + ":z");

    [Fact]
    public async Task GlobalAndTenantLimits_TheAdmissionIsStoredInBothPartitions()
    {
        using var budget = Create(new PartitionLimits(10, 10_000), new PartitionLimits(2, null));

        Assert.True((await budget.TryAcquireAsync("acme", 7, default)).IsAdmitted);

        Assert.Equal(1, await Members("global"));
        Assert.Equal(7, (long)await Db.StringGetAsync(Prefix + "global:n"));
        Assert.Equal(1, await Members("t:acme"));
        Assert.Equal(7, (long)await Db.StringGetAsync(Prefix + "t:acme:n"));
        var tenantEntry = Assert.Single(await Db.HashGetAllAsync(Prefix + "t:acme:h"));
        Assert.Equal(7, (long)tenantEntry.Value);
        var globalEntry = Assert.Single(await Db.HashGetAllAsync(Prefix + "global:h"));
        Assert.Equal(tenantEntry.Name, globalEntry.Name);

        Assert.True((await budget.TryAcquireAsync("acme", 7, default)).IsAdmitted);
        var third = await budget.TryAcquireAsync("acme", 7, default);
        Assert.Equal(RateLimitRejectionReason.Requests, third.Reason);
        Assert.True((await budget.TryAcquireAsync("other", 7, default)).IsAdmitted);
        Assert.Equal(3, await Members("global"));
    }

    [Fact]
    public async Task OnlyGlobalLimits_ATenantsRequestStoresNoTenantKeys()
    {
        using var budget = Create(new PartitionLimits(10, null), new PartitionLimits(null, null));

        Assert.True((await budget.TryAcquireAsync("acme", 7, default)).IsAdmitted);

        Assert.Equal(1, await Members("global"));
        Assert.False(await Db.KeyExistsAsync(Prefix + "t:acme:z"));
        Assert.False(await Db.KeyExistsAsync(Prefix + "t:acme:h"));
        Assert.False(await Db.KeyExistsAsync(Prefix + "t:acme:n"));
    }

    [Fact]
    public async Task OnlyTenantLimits_RequestWithoutTenant_AdmittedWithoutTouchingRedis()
    {
        using var budget = Create(new PartitionLimits(null, null), new PartitionLimits(1, 10));

        for (var i = 0; i < 3; i++)
        {
            var decision = await budget.TryAcquireAsync(null, 50, default);
            Assert.True(decision.IsAdmitted);
            Assert.Equal("distributed", decision.Scope);
        }

        Assert.Equal(0, (long)await Db.ExecuteAsync("DBSIZE"));
    }

    [Fact]
    public async Task TenantKeys_Up128CharactersKept_LongerOnesHashed()
    {
        using var budget = Create(new PartitionLimits(null, null), new PartitionLimits(5, null));
        var exact = new string('a', 128);
        var longer = new string('b', 129);

        Assert.True((await budget.TryAcquireAsync(exact, 1, default)).IsAdmitted);
        Assert.True((await budget.TryAcquireAsync(longer, 1, default)).IsAdmitted);

        Assert.Equal(1, await Members("t:" + exact));
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(longer))).ToLowerInvariant();
        Assert.Equal(1, await Members("t:sha256:" + hash));
        Assert.False(await Db.KeyExistsAsync(Prefix + "t:" + longer + ":z"));
        Assert.False(await Db.KeyExistsAsync(Prefix + "t:sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(exact))).ToLowerInvariant() + ":z"));
    }

    [Fact]
    public async Task Rejections_NameTheLimitThatRefused()
    {
        using var requests = Create(new PartitionLimits(1, 1000), new PartitionLimits(null, null), o => o.KeyPrefix = Prefix + "r:");
        using var tokens = Create(new PartitionLimits(10, 100), new PartitionLimits(null, null), o => o.KeyPrefix = Prefix + "t:");

        Assert.True((await requests.TryAcquireAsync(null, 10, default)).IsAdmitted);
        var byRequests = await requests.TryAcquireAsync(null, 10, default);
        Assert.True((await tokens.TryAcquireAsync(null, 60, default)).IsAdmitted);
        var byTokens = await tokens.TryAcquireAsync(null, 60, default);

        Assert.Equal(RateLimitRejectionReason.Requests, byRequests.Reason);
        Assert.Equal(RateLimitRejectionReason.Tokens, byTokens.Reason);
        foreach (var decision in new[] { byRequests, byTokens })
        {
            Assert.False(decision.IsAdmitted);
            Assert.True(decision.CanWait);
            Assert.Equal("distributed", decision.Scope);
            Assert.InRange(decision.RetryAfter!.Value, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public async Task RedisErrors_FailClosedUntilTheRetryIntervalHasPassedToTheTick_ThenRedisAgain()
    {
        using var budget = Create(
            new PartitionLimits(100, null),
            new PartitionLimits(null, null),
            o =>
            {
                o.WhenUnavailable = RedisUnavailableBehavior.FailClosed;
                o.UnavailableRetryInterval = TimeSpan.FromSeconds(5);
            });
        Assert.True((await budget.TryAcquireAsync(null, 1, default)).IsAdmitted);
        Assert.Equal(0, AvailableAgainLogs());

        // A key of the wrong type makes the script fail on the server, as any Redis error would.
        await Db.KeyDeleteAsync(Prefix + "global:z");
        await Db.StringSetAsync(Prefix + "global:z", "not a sorted set");
        var refused = await budget.TryAcquireAsync(null, 1, default);
        Assert.Equal(RateLimitRejectionReason.Unavailable, refused.Reason);
        Assert.Equal("unavailable", refused.Scope);
        Assert.Equal(TimeSpan.FromSeconds(5), refused.RetryAfter);
        Assert.True(budget.IsUnavailable);
        Assert.Single(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);

        // Repaired at once, but this instance does not look before the interval is over.
        await Db.KeyDeleteAsync(Prefix + "global:z");
        _time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.Equal("unavailable", (await budget.TryAcquireAsync(null, 1, default)).Scope);

        _time.Advance(TimeSpan.FromTicks(1));
        var back = await budget.TryAcquireAsync(null, 1, default);
        Assert.True(back.IsAdmitted);
        Assert.Equal("distributed", back.Scope);
        Assert.False(budget.IsUnavailable);
        Assert.Equal(1, AvailableAgainLogs());

        Assert.True((await budget.TryAcquireAsync(null, 1, default)).IsAdmitted);
        Assert.Equal(1, AvailableAgainLogs());
        Assert.Equal(2, await Members("global"));
    }

    private int AvailableAgainLogs() =>
        _logger.Collector.GetSnapshot().Count(r => r.Message.Contains("reachable again", StringComparison.Ordinal));
}
