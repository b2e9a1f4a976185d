namespace Agents.Backends.Llama.PrefixCache;

/// <summary>
/// The prefixes a generator keeps resident in its KV cache after their requests ended, as the
/// <see cref="TokenPrefixCache"/> that fronts them sees it: counted in its statistics and dropped by its
/// <see cref="IPrefixCache.Clear"/>.
/// </summary>
internal interface IResidentPrefixTier
{
    /// <summary>Gets how many prefixes are resident.</summary>
    int Count { get; }

    /// <summary>Gets how many bytes of KV cache the resident prefixes hold.</summary>
    long BytesHeld { get; }

    /// <summary>Gets how many prefixes were made resident.</summary>
    long Insertions { get; }

    /// <summary>Gets how many resident prefixes were dropped to make room.</summary>
    long Evictions { get; }

    /// <summary>Makes every resident prefix unusable at once; their KV cells are freed by the scheduler soon after.</summary>
    void Clear();
}
