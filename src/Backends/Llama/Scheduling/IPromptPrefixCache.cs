using LLama;
using LLama.Native;

namespace Agents.Backends.Llama.Scheduling;

/// <summary>
/// The seam where a KV-prefix cache plugs into prompt evaluation. Both calls run on the scheduler's thread, which
/// owns the context for their duration.
/// </summary>
internal interface IPromptPrefixCache
{
    /// <summary>Restores into <paramref name="sequence"/> the KV state of the longest cached prefix of <paramref name="prompt"/>.</summary>
    /// <param name="context">The scheduler's context.</param>
    /// <param name="sequence">The empty sequence to restore into.</param>
    /// <param name="prompt">The prompt's tokens.</param>
    /// <param name="hint">The request's cache hint, when any.</param>
    /// <returns>How many leading prompt tokens are now in the KV cache (0 when nothing was cached).</returns>
    int Restore(LLamaContext context, LLamaSeqId sequence, ReadOnlySpan<LLamaToken> prompt, CacheHint? hint);

    /// <summary>Like <see cref="Restore(LLamaContext, LLamaSeqId, ReadOnlySpan{LLamaToken}, CacheHint?)"/>, also told how many leading tokens other tenants may share.</summary>
    /// <param name="context">The scheduler's context.</param>
    /// <param name="sequence">The empty sequence to restore into.</param>
    /// <param name="prompt">The prompt's tokens.</param>
    /// <param name="hint">The request's cache hint, when any.</param>
    /// <param name="sharedPrefixTokens">How many leading tokens render the hint's shared messages (0: none).</param>
    /// <returns>How many leading prompt tokens are now in the KV cache (0 when nothing was cached).</returns>
    int Restore(LLamaContext context, LLamaSeqId sequence, ReadOnlySpan<LLamaToken> prompt, CacheHint? hint, int sharedPrefixTokens) =>
        Restore(context, sequence, prompt, hint);

    /// <summary>
    /// Like <see cref="Restore(LLamaContext, LLamaSeqId, ReadOnlySpan{LLamaToken}, CacheHint?, int)"/>, with a way to
    /// free KV cells when llama.cpp finds no room for a saved state (resident prefixes may hold the cells it needs).
    /// </summary>
    /// <param name="context">The scheduler's context.</param>
    /// <param name="sequence">The empty sequence to restore into.</param>
    /// <param name="prompt">The prompt's tokens.</param>
    /// <param name="hint">The request's cache hint, when any.</param>
    /// <param name="sharedPrefixTokens">How many leading tokens render the hint's shared messages (0: none).</param>
    /// <param name="makeRoom">Frees some KV cells and returns <see langword="true"/>, or returns <see langword="false"/> when it cannot.</param>
    /// <returns>How many leading prompt tokens are now in the KV cache (0 when nothing was cached).</returns>
    int Restore(LLamaContext context, LLamaSeqId sequence, ReadOnlySpan<LLamaToken> prompt, CacheHint? hint, int sharedPrefixTokens, Func<bool> makeRoom) =>
        Restore(context, sequence, prompt, hint, sharedPrefixTokens);

    /// <summary>Called when the whole prompt of <paramref name="sequence"/> has been evaluated, so its state may be saved.</summary>
    /// <param name="context">The scheduler's context.</param>
    /// <param name="sequence">The sequence.</param>
    /// <param name="prompt">The prompt's tokens.</param>
    /// <param name="hint">The request's cache hint, when any.</param>
    void OnPromptEvaluated(LLamaContext context, LLamaSeqId sequence, ReadOnlySpan<LLamaToken> prompt, CacheHint? hint);

    /// <summary>Like <see cref="OnPromptEvaluated(LLamaContext, LLamaSeqId, ReadOnlySpan{LLamaToken}, CacheHint?)"/>, also told how many leading tokens other tenants may share.</summary>
    /// <param name="context">The scheduler's context.</param>
    /// <param name="sequence">The sequence.</param>
    /// <param name="prompt">The prompt's tokens.</param>
    /// <param name="hint">The request's cache hint, when any.</param>
    /// <param name="sharedPrefixTokens">How many leading tokens render the hint's shared messages (0: none).</param>
    void OnPromptEvaluated(LLamaContext context, LLamaSeqId sequence, ReadOnlySpan<LLamaToken> prompt, CacheHint? hint, int sharedPrefixTokens) =>
        OnPromptEvaluated(context, sequence, prompt, hint);

    /// <summary>Counts a prompt whose first <paramref name="reusedTokens"/> tokens came from KV kept resident in the context.</summary>
    /// <param name="prompt">The prompt's tokens.</param>
    /// <param name="reusedTokens">How many leading tokens were reused.</param>
    /// <param name="hint">The request's cache hint, when any.</param>
    void RecordResidentReuse(ReadOnlySpan<LLamaToken> prompt, int reusedTokens, CacheHint? hint)
    {
    }

    /// <summary>Saves the KV state of a resident prefix that is about to be evicted from the context, if the cache keeps saved states.</summary>
    /// <param name="context">The scheduler's context.</param>
    /// <param name="sequence">The sequence holding exactly <paramref name="tokens"/>.</param>
    /// <param name="tokens">The tokens whose KV the sequence holds.</param>
    /// <param name="hint">The cache hint of the request that evaluated them.</param>
    /// <param name="sharedPrefixTokens">How many leading tokens other tenants may share (0: none).</param>
    void Spill(LLamaContext context, LLamaSeqId sequence, ReadOnlySpan<LLamaToken> tokens, CacheHint? hint, int sharedPrefixTokens)
    {
    }
}
