namespace Agents.Backends.Onnx;

/// <summary>Options for <see cref="MiniLmEmbeddingGenerator"/>.</summary>
public sealed class MiniLmEmbeddingOptions
{
    /// <summary>
    /// Gets or sets the most inputs encoded in one ONNX Runtime run; a call with more inputs, or with inputs of very
    /// different lengths, runs several (inputs are grouped by length so that little padding is run).
    /// </summary>
    /// <value>32. Batching amortises the per-run cost (about 2× faster per sentence than one at a time on 2 cores).</value>
    public int BatchSize { get; set; } = 32;

    /// <summary>Gets or sets how many inputs one <see cref="MiniLmEmbeddingGenerator.GenerateAsync"/> call may carry.</summary>
    /// <value>65,536.</value>
    public int MaxInputsPerCall { get; set; } = 65_536;

    /// <summary>Gets or sets the longest input in characters; a longer input is refused with <see cref="InvalidRequestException"/>.</summary>
    /// <value>100,000. The model itself reads only the start of a longer input (it is truncated); the cap bounds tokenizer work and memory.</value>
    public int MaxInputCharacters { get; set; } = 100_000;

    /// <summary>Gets or sets the threads ONNX Runtime uses inside one run; <see langword="null"/> lets it choose (all cores).</summary>
    public int? IntraOpThreads { get; set; }

    /// <summary>Creates a copy, so a generator is unaffected by later changes.</summary>
    /// <returns>The copy.</returns>
    public MiniLmEmbeddingOptions Clone() => (MiniLmEmbeddingOptions)MemberwiseClone();

    /// <summary>Checks every option and throws one exception naming each bad one.</summary>
    /// <exception cref="ArgumentException">One or more options are out of range.</exception>
    internal void Validate()
    {
        var errors = new List<string>();
        if (BatchSize is < 1 or > 4096)
        {
            errors.Add($"{nameof(BatchSize)} must be in [1, 4096]; it is {BatchSize}.");
        }

        if (MaxInputsPerCall < 1)
        {
            errors.Add($"{nameof(MaxInputsPerCall)} must be at least 1; it is {MaxInputsPerCall}.");
        }

        if (MaxInputCharacters < 1)
        {
            errors.Add($"{nameof(MaxInputCharacters)} must be at least 1; it is {MaxInputCharacters}.");
        }

        if (IntraOpThreads is < 1 or > 1024)
        {
            errors.Add($"{nameof(IntraOpThreads)} must be in [1, 1024] or null; it is {IntraOpThreads}.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid MiniLmEmbeddingOptions: " + string.Join(" ", errors), "options");
        }
    }
}
