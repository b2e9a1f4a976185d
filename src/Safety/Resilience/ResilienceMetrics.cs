using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Agents.Safety.Resilience;

/// <summary>
/// The resilience middleware's counters, on the meter <see cref="MeterName"/>: <c>agents.resilience.retries</c>,
/// <c>agents.resilience.breaker_state_changes</c> (tag <c>agents.resilience.breaker_state</c>: <c>open</c>,
/// <c>half_open</c>, <c>closed</c>) and <c>agents.resilience.fallbacks</c>. Every counter carries
/// <c>agents.resilience.backend</c>; retries and fallbacks carry <c>error.type</c> (the failure's type name).
/// </summary>
public sealed class ResilienceMetrics : IDisposable
{
    /// <summary>The meter's name, for <c>AddMeter</c>.</summary>
    public const string MeterName = "Agents.Resilience";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _breakerStateChanges;
    private readonly Counter<long> _fallbacks;

    /// <summary>Creates the instruments.</summary>
    /// <param name="meterFactory">Creates the meter; when <see langword="null"/> a meter is created (and disposed) here.</param>
    public ResilienceMetrics(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _retries = _meter.CreateCounter<long>("agents.resilience.retries", "{retry}", "Retries of failed calls.");
        _breakerStateChanges = _meter.CreateCounter<long>("agents.resilience.breaker_state_changes", "{change}", "Circuit breaker transitions.");
        _fallbacks = _meter.CreateCounter<long>("agents.resilience.fallbacks", "{call}", "Calls handed to the fallback generator.");
    }

    internal void Retry(string backend, Exception? exception) => _retries.Add(1, Tags(backend, exception));

    internal void Fallback(string backend, Exception exception) => _fallbacks.Add(1, Tags(backend, exception));

    internal void BreakerStateChanged(string backend, string state)
    {
        var tags = new TagList
        {
            { "agents.resilience.backend", backend },
            { "agents.resilience.breaker_state", state },
        };
        _breakerStateChanges.Add(1, tags);
    }

    /// <summary>Disposes the meter when it was created here.</summary>
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private static TagList Tags(string backend, Exception? exception) => new()
    {
        { "agents.resilience.backend", backend },
        { "error.type", exception?.GetType().FullName ?? "unknown" },
    };
}
