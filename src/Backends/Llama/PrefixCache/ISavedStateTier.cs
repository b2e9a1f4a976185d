namespace Agents.Backends.Llama.PrefixCache;

/// <summary>
/// The saved-state tier of the KV cache as the <c>KvCachePolicy</c> uses it: prefix states copied out of the context,
/// found by the longest token prefix within a scope. <see cref="TokenPrefixCache"/> is the tier;
/// <see cref="NoSavedStates"/> stands in when no prefix cache is configured.
/// </summary>
internal interface ISavedStateTier
{
    /// <summary>Finds the longest saved prefix of <paramref name="tokens"/>, hands it to <paramref name="restore"/>, and counts the lookup.</summary>
    /// <param name="tokens">The tokens the caller would otherwise evaluate.</param>
    /// <param name="scope">The request's tenant scope.</param>
    /// <param name="sharedTokenCount">How many leading tokens may also come from the shared scope.</param>
    /// <param name="restore">Restores a state; when it fails the entry is dropped and the next best is tried.</param>
    /// <param name="maxStateTokens">The longest state the caller can take.</param>
    /// <returns>What was reused.</returns>
    PrefixCacheLookup Acquire(ReadOnlySpan<int> tokens, PrefixScope scope, int sharedTokenCount, PrefixStateRestorer restore, int maxStateTokens);

    /// <summary>Counts a lookup served by the resident tier.</summary>
    /// <param name="scope">The request's scope.</param>
    /// <param name="reusedTokens">How many tokens were reused.</param>
    /// <param name="lookedUpTokens">How many tokens were looked up.</param>
    void CountLookup(PrefixScope scope, int reusedTokens, int lookedUpTokens);

    /// <summary>Tells whether saving <paramref name="tokens"/> would add nothing.</summary>
    /// <param name="tokens">The prefix.</param>
    /// <param name="scope">The scope it would be saved in.</param>
    /// <returns>Whether the caller may skip saving.</returns>
    bool IsCovered(ReadOnlySpan<int> tokens, PrefixScope scope);

    /// <summary>Adds a state; the tier owns <paramref name="state"/> from now on, stored or not.</summary>
    /// <param name="tokens">The tokens the state holds.</param>
    /// <param name="scope">Its scope.</param>
    /// <param name="state">The state.</param>
    /// <param name="lastUsed">When its tokens were last used on the shared LRU clock; now when <see langword="null"/>.</param>
    /// <returns>Whether it was stored.</returns>
    bool Insert(ReadOnlySpan<int> tokens, PrefixScope scope, IPrefixStatePayload state, long? lastUsed = null);
}
