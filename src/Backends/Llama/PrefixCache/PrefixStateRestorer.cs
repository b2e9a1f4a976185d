namespace Agents.Backends.Llama.PrefixCache;

/// <summary>Puts a cached state into the caller's KV sequence; called by <see cref="TokenPrefixCache.Acquire"/>.</summary>
/// <param name="state">The state to restore.</param>
/// <param name="stateTokens">How many tokens the state holds.</param>
/// <param name="reusableTokens">How many of them the prompt shares; positions from here on must be removed after restoring.</param>
/// <returns><see langword="true"/> when restored; <see langword="false"/> drops the entry and tries the next best one.</returns>
internal delegate bool PrefixStateRestorer(IPrefixStatePayload state, int stateTokens, int reusableTokens);
