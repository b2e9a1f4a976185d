namespace Agents.Backends.Llama.KvCache;

/// <summary>How a <see cref="KvCachePolicy"/> is set up.</summary>
internal sealed record KvCacheSettings
{
    /// <summary>Gets the context's KV cells.</summary>
    public required int Capacity { get; init; }

    /// <summary>Gets how many sequence ids (0 to this − 1) the policy hands out.</summary>
    public required int Sequences { get; init; }

    /// <summary>
    /// Gets a sequence id the policy never hands out, used to save shared prefixes alone (copy the first tokens
    /// there, save, clear); <see langword="null"/>: shared prefixes are not saved separately.
    /// </summary>
    public int? ScratchSequence { get; init; }

    /// <summary>
    /// Gets whether every evaluated prompt is saved to the saved-state tier, rather than only reused resident prefixes
    /// when they are evicted (resident reuse first: saving costs about as much as evaluating a tenth of the tokens).
    /// </summary>
    public bool SaveOnEvaluation { get; init; }

    /// <summary>Gets whether spills run inline on the scheduler's thread (tests) instead of on a worker.</summary>
    public bool InlineSpills { get; init; }
}
