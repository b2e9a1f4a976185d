namespace Agents.Backends.Llama.PrefixCache;

/// <summary>A snapshot of a <see cref="IPrefixCache"/>'s counters (since it was created) and sizes (now).</summary>
public sealed record PrefixCacheStatistics
{
    /// <summary>Gets how many prompts were looked up.</summary>
    public long Lookups { get; init; }

    /// <summary>Gets how many lookups reused at least one cached token.</summary>
    public long Hits { get; init; }

    /// <summary>Gets how many prompt tokens were restored from the cache instead of being evaluated.</summary>
    public long HitTokens { get; init; }

    /// <summary>Gets how many prompt tokens looked up had to be evaluated.</summary>
    public long MissTokens { get; init; }

    /// <summary>Gets how many prefixes were added: made resident in the KV cache or saved as states.</summary>
    public long Insertions { get; init; }

    /// <summary>Gets how many prefixes were dropped: resident ones to make room in the KV cache, saved states to stay within the byte budget.</summary>
    public long Evictions { get; init; }

    /// <summary>Gets how many prefixes are held in memory: resident in the KV cache plus saved states.</summary>
    public int Entries { get; init; }

    /// <summary>Gets how many bytes of prefix KV are held in memory: resident in the KV cache plus saved states.</summary>
    public long BytesHeld { get; init; }

    /// <summary>Gets how many of <see cref="Entries"/> are resident in the generator's KV cache (finished requests' cells left in place).</summary>
    public int ResidentEntries { get; init; }

    /// <summary>Gets how many of <see cref="BytesHeld"/> are KV cells resident in the generator's KV cache (bounded by the KV cache's size, not by <see cref="MaxBytes"/>).</summary>
    public long ResidentBytes { get; init; }

    /// <summary>Gets the budget of saved prefix states in memory, in bytes.</summary>
    public long MaxBytes { get; init; }

    /// <summary>Gets how many prefix states are held in the disk tier (0 when it is off).</summary>
    public int DiskEntries { get; init; }

    /// <summary>Gets how many bytes the disk tier's files take (0 when it is off).</summary>
    public long DiskBytes { get; init; }

    /// <summary>Gets the share of looked-up prompt tokens that came from the cache, between 0 and 1.</summary>
    public double HitRatio => HitTokens + MissTokens == 0 ? 0 : (double)HitTokens / (HitTokens + MissTokens);
}
