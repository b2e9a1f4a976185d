using System.ComponentModel.DataAnnotations;

namespace Agents.Backends.Llama;

/// <summary>Options of <see cref="LlamaEmbeddingGenerator"/>.</summary>
public sealed class LlamaEmbeddingOptions : IValidatableObject
{
    /// <summary>Gets or sets how token states are pooled into one vector.</summary>
    /// <value><see cref="LlamaEmbeddingPooling.Mean"/>.</value>
    public LlamaEmbeddingPooling Pooling { get; set; } = LlamaEmbeddingPooling.Mean;

    /// <summary>Gets or sets whether each vector is scaled to unit (L2) length, so a dot product is a cosine similarity.</summary>
    /// <value><see langword="true"/>.</value>
    public bool Normalize { get; set; } = true;

    /// <summary>Gets or sets the longest input in tokens; longer inputs are refused with <see cref="ContextWindowExceededException"/>.</summary>
    /// <value>512.</value>
    [Range(8, 1 << 16)]
    public int MaxInputTokens { get; set; } = 512;

    /// <summary>Gets or sets how many inputs one <see cref="LlamaEmbeddingGenerator.GenerateAsync"/> call may carry.</summary>
    /// <value>1,024.</value>
    [Range(1, 1 << 20)]
    public int MaxBatchSize { get; set; } = 1024;

    /// <summary>Gets or sets the CPU threads used; <see langword="null"/>: the model's <see cref="LlamaLoadOptions.Threads"/>.</summary>
    [Range(1, 1024)]
    public int? Threads { get; set; }

    /// <summary>Creates a copy, so a generator is unaffected by later changes.</summary>
    /// <returns>The copy.</returns>
    public LlamaEmbeddingOptions Clone() => (LlamaEmbeddingOptions)MemberwiseClone();

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(Pooling))
        {
            yield return new ValidationResult($"Unknown pooling {Pooling}.", [nameof(Pooling)]);
        }
    }
}
