using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Agents.Backends.Llama.Scheduling;
using LLama;
using LLama.Native;

namespace Agents.Backends.Llama.PrefixCache;

/// <summary>
/// Plugs a <see cref="TokenPrefixCache"/> into the scheduler's prompt evaluation: restores the longest cached prefix
/// of a prompt into the sequence before evaluation, and saves the state of the evaluated prompt afterwards.
/// </summary>
/// <remarks>
/// Runs on the scheduler's thread, which owns the context. States are saved sequence states (bytes): measured fastest
/// among the ways that survive the scheduler freeing a sequence after each request (see docs/prefix-cache.md).
/// </remarks>
internal sealed class LlamaPrefixCache : IPromptPrefixCache, IDisposable
{
    private readonly LLamaSeqId? _scratchSequence;

    /// <summary>Creates the adapter.</summary>
    /// <param name="cache">The cache; owned by the adapter from now on.</param>
    /// <param name="scratchSequence">
    /// A sequence id of the context that the scheduler never hands out, used to save shared prefixes (copy the first
    /// tokens of a sequence there, save, clear). Without it, shared prefixes are not saved.
    /// </param>
    public LlamaPrefixCache(TokenPrefixCache cache, LLamaSeqId? scratchSequence = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        Cache = cache;
        _scratchSequence = scratchSequence;
    }

    /// <summary>Gets the cache, which the generator exposes as <see cref="IPrefixCache"/> through <c>GetService</c>.</summary>
    public TokenPrefixCache Cache { get; }

    /// <summary>
    /// Gets or sets whether every evaluated prompt's state is saved (<see langword="true"/>, the default), or only
    /// resident prefixes spilled on eviction (<see langword="false"/>: the generator keeps KV resident first, and saving
    /// a state costs about as much as evaluating a tenth of its tokens).
    /// </summary>
    public bool SaveOnEvaluation { get; init; } = true;

    /// <summary>
    /// Computes the identity that disk-tier states are tied to: the model file (path, size, modification time), its
    /// shape, and every context setting that changes the KV layout or values.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="flashAttention">Whether the context uses flash attention (changes the V layout and values).</param>
    /// <param name="adapters">A description of the LoRA adapters and scales applied, when any.</param>
    /// <returns>32 bytes.</returns>
    public static byte[] ComputeModelIdentity(LlamaModelInfo model, bool flashAttention, string? adapters = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var description = string.Join(
            '\n',
            Path.GetFullPath(model.Path),
            model.FileSizeBytes.ToString(CultureInfo.InvariantCulture),
            File.GetLastWriteTimeUtc(model.Path).Ticks.ToString(CultureInfo.InvariantCulture),
            model.Architecture,
            model.ParameterCount.ToString(CultureInfo.InvariantCulture),
            model.VocabularySize.ToString(CultureInfo.InvariantCulture),
            model.EmbeddingSize.ToString(CultureInfo.InvariantCulture),
            flashAttention ? "flash-attention" : "no-flash-attention",
            adapters ?? string.Empty);
        return SHA256.HashData(Encoding.UTF8.GetBytes(description));
    }

    /// <inheritdoc/>
    public int Restore(LLamaContext context, LLamaSeqId sequence, ReadOnlySpan<LLamaToken> prompt, CacheHint? hint) =>
        Restore(context, sequence, prompt, hint, sharedPrefixTokens: 0);

    /// <summary>Restores into <paramref name="sequence"/> the longest cached prefix of <paramref name="prompt"/>.</summary>
    /// <param name="context">The context.</param>
    /// <param name="sequence">The sequence to fill; emptied first.</param>
    /// <param name="prompt">The prompt.</param>
    /// <param name="hint">The request's cache hint: its tenant key chooses the scope.</param>
    /// <param name="sharedPrefixTokens">How many leading tokens are the hint's shared messages (0: none).</param>
    /// <returns>How many leading tokens are now in the sequence; at most <c>prompt.Length - 1</c>, since the last
    /// prompt token must be evaluated for its logits. Only states of at most <c>prompt.Length</c> tokens are restored,
    /// so restoring never needs more KV cells than the scheduler reserved for the prompt.</returns>
    public int Restore(LLamaContext context, LLamaSeqId sequence, ReadOnlySpan<LLamaToken> prompt, CacheHint? hint, int sharedPrefixTokens) =>
        Restore(context, sequence, prompt, hint, sharedPrefixTokens, static () => false);

    /// <summary>Restores into <paramref name="sequence"/> the longest cached prefix of <paramref name="prompt"/>, freeing KV cells when a state does not fit.</summary>
    /// <param name="context">The context.</param>
    /// <param name="sequence">The sequence to fill; emptied first.</param>
    /// <param name="prompt">The prompt.</param>
    /// <param name="hint">The request's cache hint: its tenant key chooses the scope.</param>
    /// <param name="sharedPrefixTokens">How many leading tokens are the hint's shared messages (0: none).</param>
    /// <param name="makeRoom">
    /// Called when llama.cpp refuses a state, which it also does when too few free cells are left for it (resident
    /// prefixes may hold them): frees some cells and returns <see langword="true"/> to try again, or
    /// <see langword="false"/> (the state is then taken as unusable and dropped).
    /// </param>
    /// <returns>How many leading tokens are now in the sequence (see the other overload).</returns>
    public int Restore(LLamaContext context, LLamaSeqId sequence, ReadOnlySpan<LLamaToken> prompt, CacheHint? hint, int sharedPrefixTokens, Func<bool> makeRoom)
    {
        ArgumentNullException.ThrowIfNull(makeRoom);
        ArgumentNullException.ThrowIfNull(context);
        if (prompt.Length < 2)
        {
            return 0;
        }

        var handle = context.NativeHandle;
        var lookup = Cache.Acquire(
            MemoryMarshal.Cast<LLamaToken, int>(prompt)[..^1],
            ScopeOf(hint),
            sharedPrefixTokens,
            (state, stateTokens, reusable) =>
            {
                while (!SequenceStateIO.TryRestore(handle, sequence, state.Bytes))
                {
                    if (!makeRoom())
                    {
                        return false;
                    }
                }

                if (reusable < stateTokens)
                {
                    handle.MemorySequenceRemove(sequence, reusable, -1);
                }

                return true;
            },
            maxStateTokens: prompt.Length);
        return lookup.ReusableTokens;
    }

    /// <inheritdoc/>
    public void OnPromptEvaluated(LLamaContext context, LLamaSeqId sequence, ReadOnlySpan<LLamaToken> prompt, CacheHint? hint) =>
        OnPromptEvaluated(context, sequence, prompt, hint, sharedPrefixTokens: 0);

    /// <summary>Saves the state of the evaluated prompt (and of its shared prefix) unless the cache already covers it.</summary>
    /// <param name="context">The context.</param>
    /// <param name="sequence">The sequence, holding exactly the prompt's tokens.</param>
    /// <param name="prompt">The prompt.</param>
    /// <param name="hint">The request's cache hint.</param>
    /// <param name="sharedPrefixTokens">How many leading tokens are the hint's shared messages (0: none).</param>
    public void OnPromptEvaluated(LLamaContext context, LLamaSeqId sequence, ReadOnlySpan<LLamaToken> prompt, CacheHint? hint, int sharedPrefixTokens)
    {
        if (SaveOnEvaluation)
        {
            Save(context, sequence, prompt, hint, sharedPrefixTokens);
        }
    }

    /// <summary>Saves the state of a resident prefix being evicted (and of its shared prefix) unless the cache already covers it.</summary>
    /// <param name="context">The context.</param>
    /// <param name="sequence">The sequence, holding exactly <paramref name="tokens"/>.</param>
    /// <param name="tokens">The tokens.</param>
    /// <param name="hint">The cache hint of the request that evaluated them.</param>
    /// <param name="sharedPrefixTokens">How many leading tokens are the hint's shared messages (0: none).</param>
    public void Spill(LLamaContext context, LLamaSeqId sequence, ReadOnlySpan<LLamaToken> tokens, CacheHint? hint, int sharedPrefixTokens) =>
        Save(context, sequence, tokens, hint, sharedPrefixTokens);

    /// <summary>Counts a prompt served from KV kept resident in the context.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="reusedTokens">How many leading tokens were reused.</param>
    /// <param name="hint">The request's cache hint.</param>
    public void RecordResidentReuse(ReadOnlySpan<LLamaToken> prompt, int reusedTokens, CacheHint? hint) =>
        Cache.CountLookup(ScopeOf(hint), reusedTokens, Math.Max(0, prompt.Length - 1));

    private void Save(LLamaContext context, LLamaSeqId sequence, ReadOnlySpan<LLamaToken> prompt, CacheHint? hint, int sharedPrefixTokens)
    {
        ArgumentNullException.ThrowIfNull(context);
        var handle = context.NativeHandle;
        var tokens = MemoryMarshal.Cast<LLamaToken, int>(prompt);
        var scope = ScopeOf(hint);
        if (!Cache.IsCovered(tokens, scope))
        {
            Cache.Insert(tokens, scope, SequenceStateIO.SaveNative(handle, sequence));
        }

        var shared = Math.Min(sharedPrefixTokens, tokens.Length);
        if (_scratchSequence is { } scratch && shared > 0 && !Cache.IsCovered(tokens[..shared], PrefixScope.Shared))
        {
            // Only the shared tokens may enter the shared scope: copy them alone to the scratch sequence and save that.
            handle.MemorySequenceRemove(scratch, -1, -1);
            handle.MemorySequenceCopy(sequence, scratch, 0, shared);
            try
            {
                Cache.Insert(tokens[..shared], PrefixScope.Shared, SequenceStateIO.SaveNative(handle, scratch));
            }
            finally
            {
                handle.MemorySequenceRemove(scratch, -1, -1);
            }
        }
    }

    /// <summary>Disposes the cache.</summary>
    public void Dispose() => Cache.Dispose();

    /// <summary>The scope of a request: its tenant's, or the anonymous tenant's.</summary>
    /// <param name="hint">The request's cache hint.</param>
    /// <returns>The scope.</returns>
    public static PrefixScope ScopeOf(CacheHint? hint) => PrefixScope.ForTenant(hint?.TenantKey);
}
