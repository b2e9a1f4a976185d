using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Agents.Safety.RateLimiting;

/// <summary>
/// The rate limiter's counters, on the meter <see cref="MeterName"/>: <c>agents.rate_limit.admitted</c>,
/// <c>agents.rate_limit.queued</c>, <c>agents.rate_limit.rejected</c> (tag <c>agents.rate_limit.reason</c>) and
/// <c>agents.rate_limit.store_unavailable</c> (tag <c>agents.rate_limit.behavior</c>). Every counter carries
/// <c>agents.rate_limit.scope</c>: <c>local</c>, <c>distributed</c>, <c>fallback</c> or <c>unavailable</c>.
/// </summary>
public sealed class RateLimitingMetrics : IDisposable
{
    /// <summary>The meter's name, for <c>AddMeter</c>.</summary>
    public const string MeterName = "Agents.RateLimiting";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _admitted;
    private readonly Counter<long> _queued;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _storeUnavailable;

    /// <summary>Creates the instruments.</summary>
    /// <param name="meterFactory">Creates the meter; when <see langword="null"/> a meter is created (and disposed) here.</param>
    public RateLimitingMetrics(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _admitted = _meter.CreateCounter<long>("agents.rate_limit.admitted", "{request}", "Requests admitted by the rate limiter.");
        _queued = _meter.CreateCounter<long>("agents.rate_limit.queued", "{request}", "Requests that had to wait before being admitted or rejected.");
        _rejected = _meter.CreateCounter<long>("agents.rate_limit.rejected", "{request}", "Requests refused by the rate limiter; none of them was sent.");
        _storeUnavailable = _meter.CreateCounter<long>("agents.rate_limit.store_unavailable", "{event}", "Failed attempts to reach the shared Redis budget.");
    }

    internal void Admitted(string scope) => _admitted.Add(1, new KeyValuePair<string, object?>("agents.rate_limit.scope", scope));

    internal void Queued(string scope) => _queued.Add(1, new KeyValuePair<string, object?>("agents.rate_limit.scope", scope));

    internal void Rejected(string scope, RateLimitRejectionReason reason)
    {
        var tags = new TagList
        {
            { "agents.rate_limit.scope", scope },
            { "agents.rate_limit.reason", ReasonName(reason) },
        };
        _rejected.Add(1, tags);
    }

    internal void StoreUnavailable(RedisUnavailableBehavior behavior) => _storeUnavailable.Add(
        1,
        new KeyValuePair<string, object?>("agents.rate_limit.behavior", behavior == RedisUnavailableBehavior.FailClosed ? "fail_closed" : "fall_back_to_local_share"));

    internal static string ReasonName(RateLimitRejectionReason reason) => reason switch
    {
        RateLimitRejectionReason.Requests => "requests",
        RateLimitRejectionReason.Tokens => "tokens",
        RateLimitRejectionReason.TooLarge => "too_large",
        RateLimitRejectionReason.Concurrency => "concurrency",
        RateLimitRejectionReason.QueueFull => "queue_full",
        RateLimitRejectionReason.Unavailable => "unavailable",
        _ => "none",
    };

    /// <summary>Disposes the meter when it was created here.</summary>
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
