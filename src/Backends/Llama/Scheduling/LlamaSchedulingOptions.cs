using System.ComponentModel.DataAnnotations;

namespace Agents.Backends.Llama;

/// <summary>
/// The scheduling section of <see cref="LlamaModelOptions"/>: how many requests decode together, how many may wait,
/// how much KV cache they share and how streams are handed over. Its keys sit directly under the model's section
/// (<c>Agents:Llama:MaxConcurrentSequences</c>).
/// </summary>
public sealed class LlamaSchedulingOptions : IValidatableObject
{
    /// <summary>Gets or sets how many requests decode together (continuous batching in one context).</summary>
    /// <value>8.</value>
    [Range(1, 64)]
    public int MaxConcurrentSequences { get; set; } = 8;

    /// <summary>Gets or sets how many requests may wait for a free sequence before new ones are refused with <see cref="RateLimitedException"/>.</summary>
    /// <value>256.</value>
    [Range(0, 1_000_000)]
    public int MaxQueueLength { get; set; } = 256;

    /// <summary>Gets or sets the widest beam search a request may ask for.</summary>
    /// <value>8.</value>
    [Range(1, 32)]
    public int MaxBeamWidth { get; set; } = 8;

    /// <summary>
    /// Gets or sets the KV cache size in tokens shared by all concurrent sequences. A request is admitted when its
    /// prompt plus its completion budget fit in what is free.
    /// </summary>
    /// <value>
    /// <see langword="null"/>: the context window times <see cref="MaxConcurrentSequences"/>, but no more than fits in
    /// 1 GiB of F16 KV cache (computed from the model's shape), and never less than one context window. A request
    /// without <see cref="GenerationOptions.MaxTokens"/> reserves a whole window, so set MaxTokens (or this) to run
    /// several requests of a large model at once.
    /// </value>
    [Range(16, 1 << 24)]
    public int? KvCacheTokens { get; set; }

    /// <summary>Gets or sets what happens when a prompt plus the completion budget does not fit the context window.</summary>
    /// <value><see cref="Llama.ContextOverflowPolicy.Throw"/>.</value>
    public ContextOverflowPolicy ContextOverflowPolicy { get; set; } = ContextOverflowPolicy.Throw;

    /// <summary>Gets or sets how many NoKvSlot failures in a row a decode step tolerates (each after releasing what it can) before the requests fail.</summary>
    /// <value>4.</value>
    [Range(0, 1000)]
    public int MaxNoKvSlotRetries { get; set; } = 4;

    /// <summary>
    /// Gets or sets the shortest time between two hand-overs of a stream's updates to its reader. Every token is still
    /// its own update, and the first goes out at once; tokens decoded closer together than this are handed over
    /// together, because each hand-over wakes the reader's thread, which on a small CPU takes time from llama.cpp's.
    /// </summary>
    /// <value>
    /// 20 ms (50 hand-overs a second: streamed text still looks continuous). It measured streaming at 0.94 of
    /// <c>GenerateAsync</c>'s speed on 2 cores, against 0.83 with <see cref="TimeSpan.Zero"/> (every token at once).
    /// </value>
    public TimeSpan StreamFlushInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (StreamFlushInterval < TimeSpan.Zero || StreamFlushInterval > TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult(
                $"StreamFlushInterval must be between 0 and 1 second (was {StreamFlushInterval}).", [nameof(StreamFlushInterval)]);
        }

        if (!Enum.IsDefined(ContextOverflowPolicy))
        {
            yield return new ValidationResult($"Unknown ContextOverflowPolicy {ContextOverflowPolicy}.", [nameof(ContextOverflowPolicy)]);
        }
    }

    /// <summary>Creates a copy.</summary>
    /// <returns>The copy.</returns>
    public LlamaSchedulingOptions Clone() => (LlamaSchedulingOptions)MemberwiseClone();
}
