using System.ComponentModel.DataAnnotations;

namespace Agents.Backends.Llama;

/// <summary>
/// The load section of <see cref="LlamaModelOptions"/>: which GGUF file, how its context is sized and run, its LoRA
/// adapters and its chat template. Its keys sit directly under the model's section (<c>Agents:Llama:ModelPath</c>).
/// </summary>
public sealed class LlamaLoadOptions : IValidatableObject
{
    /// <summary>Gets or sets the path of the GGUF model file.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ModelPath { get; set; } = string.Empty;

    /// <summary>Gets or sets the id reported as the model of every result.</summary>
    /// <value><see langword="null"/>: the file name without its extension.</value>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets the context window of one request in tokens (prompt and completion together).</summary>
    /// <value><see langword="null"/>: the model's trained context length, capped at 4,096.</value>
    [Range(16, 1 << 20)]
    public int? ContextSize { get; set; }

    /// <summary>Gets or sets the number of CPU threads used for decoding.</summary>
    /// <value><see langword="null"/>: LLamaSharp's default (the number of physical cores, at most 8 or so).</value>
    [Range(1, 1024)]
    public int? Threads { get; set; }

    /// <summary>
    /// Gets or sets the logical batch size: the most tokens submitted to llama.cpp in one decode call; at least
    /// <see cref="LlamaSchedulingOptions.MaxConcurrentSequences"/> × <see cref="LlamaSchedulingOptions.MaxBeamWidth"/>.
    /// </summary>
    /// <value>512.</value>
    [Range(1, 1 << 16)]
    public int BatchSize { get; set; } = 512;

    /// <summary>Gets or sets the physical (micro) batch size; at most <see cref="BatchSize"/>.</summary>
    /// <value>512.</value>
    [Range(1, 1 << 16)]
    public int UBatchSize { get; set; } = 512;

    /// <summary>Gets or sets how many layers are offloaded to a GPU (passed through to llama.cpp; ignored by the CPU build).</summary>
    /// <value>0.</value>
    [Range(0, 100_000)]
    public int GpuLayerCount { get; set; }

    /// <summary>Gets or sets whether llama.cpp's flash attention is used; <see langword="null"/> chooses automatically.</summary>
    /// <value>
    /// <see langword="null"/>: on, except when <see cref="LlamaModelOptions.PrefixCache"/> is set. On is faster (measured
    /// 15% for one stream and 20% for eight on a 60M-parameter Q8_0 model on 2 CPU cores) but makes a suffix decoded over
    /// a cached prefix differ slightly from a cold prefill; off, they are bit-identical (LLamaSharp 0.30.0), which exact
    /// prefix caching relies on. See <see cref="LlamaModelOptions.UsesFlashAttention"/>.
    /// </value>
    public bool? FlashAttention { get; set; }

    /// <summary>Gets or sets whether the file is memory-mapped instead of read into memory.</summary>
    /// <value><see langword="true"/>.</value>
    public bool UseMemoryMap { get; set; } = true;

    /// <summary>
    /// Gets or sets the chat format used when the model's metadata has no chat template: one of
    /// <see cref="LlamaChatFormats.Names"/> (chatml, llama2, llama3, phi3, gemma, mistral, zephyr).
    /// </summary>
    /// <value>
    /// <see langword="null"/>: no fallback; a model without a template then refuses chat requests with a clear
    /// error rather than guessing a format.
    /// </value>
    public string? ChatTemplateFallback { get; set; }

    /// <summary>Gets or sets whether <see cref="ChatTemplateFallback"/> is used even when the model has its own template.</summary>
    /// <value><see langword="false"/>.</value>
    public bool OverrideModelChatTemplate { get; set; }

    /// <summary>Gets or sets the LoRA adapters applied to generation, each with its scale.</summary>
    public IList<LlamaLoraAdapterOptions> LoraAdapters { get; set; } = [];

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (UBatchSize > BatchSize)
        {
            yield return new ValidationResult(
                $"UBatchSize ({UBatchSize}) must not exceed BatchSize ({BatchSize}).", [nameof(UBatchSize)]);
        }

        if (ChatTemplateFallback is { } fallback && !LlamaChatFormats.IsKnown(fallback))
        {
            yield return new ValidationResult(
                $"Unknown chat template '{fallback}'; known templates: {string.Join(", ", LlamaChatFormats.Names)}.",
                [nameof(ChatTemplateFallback)]);
        }

        if (OverrideModelChatTemplate && ChatTemplateFallback is null)
        {
            yield return new ValidationResult(
                "OverrideModelChatTemplate needs ChatTemplateFallback to name the template to use.", [nameof(OverrideModelChatTemplate)]);
        }

        if (LoraAdapters is null)
        {
            yield return new ValidationResult("LoraAdapters must not be null.", [nameof(LoraAdapters)]);
            yield break;
        }

        for (var i = 0; i < LoraAdapters.Count; i++)
        {
            var adapter = LoraAdapters[i];
            if (adapter is null || string.IsNullOrWhiteSpace(adapter.Path))
            {
                yield return new ValidationResult("A LoRA adapter needs a Path.", [$"{nameof(LoraAdapters)}:{i}:{nameof(LlamaLoraAdapterOptions.Path)}"]);
            }
            else if (!float.IsFinite(adapter.Scale))
            {
                yield return new ValidationResult("A LoRA scale must be a finite number.", [$"{nameof(LoraAdapters)}:{i}:{nameof(LlamaLoraAdapterOptions.Scale)}"]);
            }
        }
    }

    /// <summary>Creates a copy, adapters included.</summary>
    /// <returns>The copy.</returns>
    public LlamaLoadOptions Clone()
    {
        var copy = (LlamaLoadOptions)MemberwiseClone();
        copy.LoraAdapters = LoraAdapters is null ? null! : [.. LoraAdapters.Select(a => a is null ? null! : new LlamaLoraAdapterOptions { Path = a.Path, Scale = a.Scale })];
        return copy;
    }
}
