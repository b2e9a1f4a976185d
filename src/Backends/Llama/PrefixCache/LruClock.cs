namespace Agents.Backends.Llama.PrefixCache;

/// <summary>
/// The one logical clock of the KV cache's LRU order: resident prefixes and saved states take their stamps from it,
/// so a resident prefix spilled to the saved tier keeps its place in the order instead of becoming the newest.
/// </summary>
internal sealed class LruClock
{
    private long _now;

    /// <summary>Returns a stamp later than every stamp returned before.</summary>
    /// <returns>The stamp.</returns>
    public long Tick() => Interlocked.Increment(ref _now);
}
