using LLama.Native;

namespace Agents.Backends.Llama.Scheduling;

/// <summary>A finished request's KV cells kept in a sequence of the context so later prompts can reuse them.</summary>
/// <param name="Sequence">The sequence holding the cells.</param>
/// <param name="Tokens">The tokens whose KV the sequence holds, position by position (prompt, then generated).</param>
/// <param name="PromptLength">How many of <paramref name="Tokens"/> were the prompt.</param>
/// <param name="ScopeId">The tenant scope it belongs to.</param>
/// <param name="SharedTokens">How many leading tokens any tenant may reuse (the request's shared prefix).</param>
/// <param name="Hint">The request's cache hint, for saving the prefix when it is evicted.</param>
internal sealed record ResidentPrefix(LLamaSeqId Sequence, LLamaToken[] Tokens, int PromptLength, string ScopeId, int SharedTokens, CacheHint? Hint)
{
    /// <summary>Gets or sets when it was last reused or made resident (a logical clock).</summary>
    public long LastUsed { get; set; }

    /// <summary>Gets or sets how many prompts reused it.</summary>
    public int Hits { get; set; }
}
