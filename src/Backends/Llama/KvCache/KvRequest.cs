using Agents.Backends.Llama.PrefixCache;

namespace Agents.Backends.Llama.KvCache;

/// <summary>
/// One request as the KV cache sees it: the prompt's token ids, whose KV may be reused and by whom, and what it may
/// take of the context. The one record every KV-cache decision is made from.
/// </summary>
/// <param name="Prompt">The prompt's token ids.</param>
/// <param name="Scope">The tenant scope its KV belongs to.</param>
/// <param name="SharedTokens">How many leading prompt tokens any tenant may reuse (the hint's shared messages; 0: none).</param>
/// <param name="Hint">The request's cache hint, when any.</param>
/// <param name="SequenceCount">How many sequence ids it needs (2 × beam width for beam search, else 1).</param>
/// <param name="ReservedCells">The most KV cells it can fill: prompt plus every completion token of every beam.</param>
internal sealed record KvRequest(int[] Prompt, PrefixScope Scope, int SharedTokens, CacheHint? Hint, int SequenceCount, int ReservedCells)
{
    /// <summary>Gets whether its KV may outlive it as a resident prefix (single-sequence requests only).</summary>
    public bool MayStayResident => SequenceCount == 1;
}
