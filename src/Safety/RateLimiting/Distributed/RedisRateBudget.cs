using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Agents.Safety.RateLimiting;

/// <summary>
/// Per-minute budgets shared by every process using the same Redis and key prefix. While Redis cannot be reached,
/// either refuses (fail closed) or falls back to a <see cref="LocalRateBudget"/> scaled to this instance's share.
/// </summary>
internal sealed class RedisRateBudget : IRateBudget
{
    private const string GlobalPartition = "global";

    private readonly IConnectionMultiplexer _connection;
    private readonly DistributedRateLimitingOptions _options;
    private readonly PartitionLimits _globalLimits;
    private readonly PartitionLimits _tenantLimits;
    private readonly LocalRateBudget _fallback;
    private readonly TimeProvider _timeProvider;
    private readonly RateLimitingMetrics _metrics;
    private readonly ILogger _logger;
    private readonly long _windowMs;
    private long _unavailableUntil = long.MinValue;
    private int _unavailable;

    public RedisRateBudget(
        IConnectionMultiplexer connection,
        DistributedRateLimitingOptions options,
        PartitionLimits globalLimits,
        PartitionLimits tenantLimits,
        TimeSpan window,
        TimeProvider timeProvider,
        RateLimitingMetrics metrics,
        ILogger logger)
    {
        _connection = connection;
        _options = options;
        _globalLimits = globalLimits;
        _tenantLimits = tenantLimits;
        _windowMs = (long)window.TotalMilliseconds;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _logger = logger;
        _fallback = new LocalRateBudget(globalLimits.Scale(options.InstanceShare), tenantLimits.Scale(options.InstanceShare), timeProvider, window, "fallback");
    }

    /// <summary>Gets whether the last attempt to reach Redis failed and the retry interval has not passed yet.</summary>
    public bool IsUnavailable => Volatile.Read(ref _unavailable) == 1;

    public async ValueTask<BudgetDecision> TryAcquireAsync(string? tenant, long tokens, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (IsUnavailable && _timeProvider.GetTimestamp() < Volatile.Read(ref _unavailableUntil))
        {
            return WhileUnavailable(tenant, tokens);
        }

        var keys = Keys(tenant);
        if (keys.Length == 0)
        {
            // Only tenant limits are set and the request has no tenant: nothing applies.
            return BudgetDecision.Admit(new RedisTicket(this, keys, string.Empty, tokens), "distributed");
        }

        var values = new List<RedisValue>(3 + (keys.Length / 3 * 2))
        {
            _windowMs,
            tokens,
            Guid.NewGuid().ToString("N"),
        };
        if (WithGlobal)
        {
            AddLimits(values, _globalLimits);
        }

        if (WithTenant(tenant))
        {
            AddLimits(values, _tenantLimits);
        }

        RedisResult result;
        try
        {
            result = await _connection.GetDatabase()
                .ScriptEvaluateAsync(RedisRateLimitScripts.Acquire, keys, [.. values])
                .WaitAsync(cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            MarkUnavailable(ex);
            return WhileUnavailable(tenant, tokens);
        }

        MarkAvailable();
        var parts = (RedisResult[])result!;
        var status = (long)parts[0];
        return status switch
        {
            1 => BudgetDecision.Admit(new RedisTicket(this, keys, (string)values[2]!, tokens), "distributed"),
            -1 => BudgetDecision.Reject(RateLimitRejectionReason.TooLarge, null, "distributed"),
            _ => BudgetDecision.Reject(
                (long)parts[2] == 1 ? RateLimitRejectionReason.Requests : RateLimitRejectionReason.Tokens,
                TimeSpan.FromMilliseconds((long)parts[1]),
                "distributed"),
        };
    }

    public void Dispose() => _fallback.Dispose();

    private static bool IsRedisFailure(Exception ex) => ex is RedisException or TimeoutException or ObjectDisposedException;

    private static void AddLimits(List<RedisValue> values, PartitionLimits limits)
    {
        values.Add(limits.Requests ?? -1);
        values.Add(limits.Tokens ?? -1);
    }

    private BudgetDecision WhileUnavailable(string? tenant, long tokens)
    {
        if (_options.WhenUnavailable == RedisUnavailableBehavior.FailClosed)
        {
            return BudgetDecision.Reject(RateLimitRejectionReason.Unavailable, _options.UnavailableRetryInterval, "unavailable");
        }

        return _fallback.TryAcquire(tenant, tokens);
    }

    private void MarkUnavailable(Exception ex)
    {
        Volatile.Write(ref _unavailableUntil, _timeProvider.GetTimestamp()
            + (long)(_options.UnavailableRetryInterval.TotalSeconds * _timeProvider.TimestampFrequency));
        _metrics.StoreUnavailable(_options.WhenUnavailable);
        if (Interlocked.Exchange(ref _unavailable, 1) == 0)
        {
            RateLimitingLog.RedisUnavailable(_logger, _options.WhenUnavailable, _options.InstanceShare, _options.UnavailableRetryInterval, ex);
        }
    }

    private void MarkAvailable()
    {
        if (Interlocked.Exchange(ref _unavailable, 0) == 1)
        {
            RateLimitingLog.RedisAvailableAgain(_logger);
        }
    }

    // A partition without limits is not stored: no keys, no work in the script.
    private bool WithGlobal => !_globalLimits.IsUnlimited;

    private bool WithTenant(string? tenant) => tenant is not null && !_tenantLimits.IsUnlimited;

    private RedisKey[] Keys(string? tenant)
    {
        var keys = new RedisKey[((WithGlobal ? 1 : 0) + (WithTenant(tenant) ? 1 : 0)) * 3];
        var offset = 0;
        if (WithGlobal)
        {
            Fill(keys, offset, GlobalPartition);
            offset += 3;
        }

        if (WithTenant(tenant))
        {
            Fill(keys, offset, "t:" + SafeTenant(tenant!));
        }

        return keys;
    }

    private void Fill(RedisKey[] keys, int offset, string partition)
    {
        var stem = _options.KeyPrefix + partition;
        keys[offset] = stem + ":z";
        keys[offset + 1] = stem + ":h";
        keys[offset + 2] = stem + ":n";
    }

    // Long keys are hashed so a hostile tenant key cannot blow up Redis key sizes.
    private static string SafeTenant(string tenant) => tenant.Length <= 128
        ? tenant
        : "sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(tenant))).ToLowerInvariant();

    private sealed class RedisTicket(RedisRateBudget owner, RedisKey[] keys, string id, long tokens) : BudgetTicket(tokens)
    {
        public override async ValueTask ReconcileAsync(long actualTokens)
        {
            if (keys.Length == 0)
            {
                return;
            }

            try
            {
                await owner._connection.GetDatabase()
                    .ScriptEvaluateAsync(RedisRateLimitScripts.Reconcile, keys, [id, actualTokens.ToString(CultureInfo.InvariantCulture)])
                    .ConfigureAwait(false);
            }
            catch (Exception ex) when (IsRedisFailure(ex))
            {
                // The reservation stands: over-counting is the safe side of a quota.
                RateLimitingLog.ReconcileFailed(owner._logger, ex);
            }
        }

        public override ValueTask RefundAsync() => ReconcileAsync(0);
    }
}
