namespace Agents.Backends.Llama.PrefixCache;

/// <summary>The result of looking a prompt up: how many leading tokens a cached state covers, and that state.</summary>
internal readonly record struct PrefixCacheLookup
{
    /// <summary>Gets a lookup that found nothing.</summary>
    public static PrefixCacheLookup Miss => default;

    /// <summary>Gets how many leading prompt tokens the restored state covers (0 on a miss).</summary>
    public int ReusableTokens { get; init; }

    /// <summary>
    /// Gets how many tokens <see cref="State"/> holds; at least <see cref="ReusableTokens"/>. When larger, the caller
    /// restores the state and then removes positions from <see cref="ReusableTokens"/> on.
    /// </summary>
    public int StateTokens { get; init; }

    /// <summary>Gets the state to restore, or <see langword="null"/> on a miss.</summary>
    public IPrefixStatePayload? State { get; init; }

    /// <summary>Gets the scope the state came from.</summary>
    public PrefixScope Scope { get; init; }

    public bool IsHit => State is not null && ReusableTokens > 0;
}
