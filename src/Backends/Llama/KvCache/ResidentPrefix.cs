namespace Agents.Backends.Llama.KvCache;

/// <summary>A finished request's KV cells kept in a sequence of the context so later prompts can reuse them.</summary>
/// <param name="Sequence">The sequence holding the cells.</param>
/// <param name="Tokens">The token ids whose KV the sequence holds, position by position (prompt, then generated).</param>
/// <param name="Request">The request that evaluated them: its prompt length, scope, shared tokens and hint.</param>
internal sealed record ResidentPrefix(int Sequence, int[] Tokens, KvRequest Request)
{
    /// <summary>Gets or sets when it was last reused or made resident (a stamp of the shared LRU clock).</summary>
    public long LastUsed { get; set; }

    /// <summary>Gets or sets how many prompts reused it.</summary>
    public int Hits { get; set; }
}
