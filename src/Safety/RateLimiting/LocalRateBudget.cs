namespace Agents.Safety.RateLimiting;

/// <summary>Per-minute budgets held in this process: one global <see cref="SlidingWindowLog"/> and one per tenant.</summary>
internal sealed class LocalRateBudget : IRateBudget
{
    // Tenants whose window is empty are dropped every so many admissions, so a stream of new tenant keys cannot grow memory without bound.
    private const int SweepEvery = 4096;

    private readonly Lock _lock = new();
    private readonly SlidingWindowLog _global = new();
    private readonly Dictionary<string, SlidingWindowLog> _tenants = new(StringComparer.Ordinal);
    private readonly PartitionLimits _globalLimits;
    private readonly PartitionLimits _tenantLimits;
    private readonly TimeProvider _timeProvider;
    private readonly long _window;
    private readonly string _scope;
    private int _sinceSweep;

    public LocalRateBudget(PartitionLimits globalLimits, PartitionLimits tenantLimits, TimeProvider timeProvider, TimeSpan window, string scope = "local")
    {
        _globalLimits = globalLimits;
        _tenantLimits = tenantLimits;
        _timeProvider = timeProvider;
        _window = (long)Math.Ceiling(window.TotalSeconds * timeProvider.TimestampFrequency);
        _scope = scope;
    }

    /// <summary>Gets how many tenants currently have a window (for tests of the sweep).</summary>
    internal int TenantCount
    {
        get
        {
            lock (_lock)
            {
                return _tenants.Count;
            }
        }
    }

    public ValueTask<BudgetDecision> TryAcquireAsync(string? tenant, long tokens, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new(TryAcquire(tenant, tokens));
    }

    public BudgetDecision TryAcquire(string? tenant, long tokens)
    {
        var now = _timeProvider.GetTimestamp();
        lock (_lock)
        {
            SlidingWindowLog? tenantLog = null;
            if (tenant is not null && !_tenantLimits.IsUnlimited)
            {
                if (!_tenants.TryGetValue(tenant, out tenantLog))
                {
                    tenantLog = new SlidingWindowLog();
                    _tenants.Add(tenant, tenantLog);
                }

                tenantLog.Expire(now, _window);
            }

            _global.Expire(now, _window);
            var (tenantReason, tenantWait) = tenantLog?.Check(_tenantLimits, tokens, now, _window) ?? default;
            var (globalReason, globalWait) = _global.Check(_globalLimits, tokens, now, _window);
            if (tenantReason != RateLimitRejectionReason.None || globalReason != RateLimitRejectionReason.None)
            {
                if (tenantReason == RateLimitRejectionReason.TooLarge || globalReason == RateLimitRejectionReason.TooLarge)
                {
                    return BudgetDecision.Reject(RateLimitRejectionReason.TooLarge, null, _scope);
                }

                var reason = globalReason != RateLimitRejectionReason.None ? globalReason : tenantReason;
                return BudgetDecision.Reject(reason, ToTimeSpan(Math.Max(tenantWait, globalWait)), _scope);
            }

            var globalEntry = _global.Add(now, tokens);
            var tenantEntry = tenantLog?.Add(now, tokens);
            if (++_sinceSweep >= SweepEvery)
            {
                _sinceSweep = 0;
                Sweep(now);
            }

            return BudgetDecision.Admit(new LocalTicket(this, tenantLog, tenantEntry, globalEntry, tokens), _scope);
        }
    }

    public void Dispose()
    {
    }

    private void Sweep(long now)
    {
        List<string>? idle = null;
        foreach (var (key, log) in _tenants)
        {
            log.Expire(now, _window);
            if (log.Count == 0)
            {
                (idle ??= []).Add(key);
            }
        }

        foreach (var key in idle ?? [])
        {
            _tenants.Remove(key);
        }
    }

    private TimeSpan ToTimeSpan(long timestampUnits) =>
        TimeSpan.FromTicks((long)Math.Ceiling(timestampUnits * (double)TimeSpan.TicksPerSecond / _timeProvider.TimestampFrequency));

    private sealed class LocalTicket(
        LocalRateBudget owner, SlidingWindowLog? tenantLog, SlidingWindowLog.Entry? tenantEntry, SlidingWindowLog.Entry globalEntry, long tokens)
        : BudgetTicket(tokens)
    {
        public override ValueTask ReconcileAsync(long actualTokens)
        {
            lock (owner._lock)
            {
                owner._global.Adjust(globalEntry, actualTokens);
                if (tenantEntry is not null)
                {
                    tenantLog!.Adjust(tenantEntry, actualTokens);
                }
            }

            return ValueTask.CompletedTask;
        }

        public override ValueTask RefundAsync() => ReconcileAsync(0);
    }
}
