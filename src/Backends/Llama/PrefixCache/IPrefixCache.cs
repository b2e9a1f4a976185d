namespace Agents.Backends.Llama.PrefixCache;

/// <summary>
/// The local backend's KV-prefix cache, reachable through <c>generator.GetService(typeof(IPrefixCache))</c>: its
/// statistics and a way to drop everything it holds.
/// </summary>
public interface IPrefixCache
{
    /// <summary>Gets a snapshot of the cache's counters and sizes.</summary>
    PrefixCacheStatistics Statistics { get; }

    /// <summary>Drops every cached prefix state, in memory and on disk. Counters are kept.</summary>
    void Clear();
}
