using System.Diagnostics.Metrics;

namespace Agents.Backends.Llama.PrefixCache;

/// <summary>The cache's instruments, on the meter <see cref="MeterName"/>.</summary>
internal sealed class PrefixCacheMetrics : IDisposable
{
    /// <summary>The meter's name, for <c>AddMeter</c> in OpenTelemetry.</summary>
    public const string MeterName = "Agents.Backends.Llama.PrefixCache";

    private readonly Meter _meter;
    private readonly Counter<long> _hitTokens;
    private readonly Counter<long> _missTokens;
    private readonly Counter<long> _evictions;

    public PrefixCacheMetrics(Func<long> bytesHeld, IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _hitTokens = _meter.CreateCounter<long>("agents.prefix_cache.hit_tokens", "{token}", "Prompt tokens restored from the KV-prefix cache.");
        _missTokens = _meter.CreateCounter<long>("agents.prefix_cache.miss_tokens", "{token}", "Prompt tokens evaluated because no cached prefix covered them.");
        _evictions = _meter.CreateCounter<long>("agents.prefix_cache.evictions", "{entry}", "Prefix states dropped from memory to stay within the budget.");
        _meter.CreateObservableGauge("agents.prefix_cache.bytes_held", bytesHeld, "By", "Bytes of prefix state held in memory.");
    }

    public void RecordLookup(long hitTokens, long missTokens)
    {
        if (hitTokens > 0)
        {
            _hitTokens.Add(hitTokens);
        }

        if (missTokens > 0)
        {
            _missTokens.Add(missTokens);
        }
    }

    public void RecordEviction() => _evictions.Add(1);

    public void Dispose() => _meter.Dispose();
}
