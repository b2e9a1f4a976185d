namespace Agents.Backends.Llama.PrefixCache;

/// <summary>No saved-state tier: nothing is found, nothing is kept (the null object of <see cref="ISavedStateTier"/>).</summary>
internal sealed class NoSavedStates : ISavedStateTier
{
    /// <summary>Gets the instance.</summary>
    public static NoSavedStates Instance { get; } = new();

    /// <inheritdoc/>
    public PrefixCacheLookup Acquire(ReadOnlySpan<int> tokens, PrefixScope scope, int sharedTokenCount, PrefixStateRestorer restore, int maxStateTokens) =>
        PrefixCacheLookup.Miss;

    /// <inheritdoc/>
    public void CountLookup(PrefixScope scope, int reusedTokens, int lookedUpTokens)
    {
    }

    /// <inheritdoc/>
    public bool IsCovered(ReadOnlySpan<int> tokens, PrefixScope scope) => true;

    /// <inheritdoc/>
    public bool Insert(ReadOnlySpan<int> tokens, PrefixScope scope, IPrefixStatePayload state, long? lastUsed = null)
    {
        (state as IDisposable)?.Dispose();
        return false;
    }
}
