using System.ComponentModel.DataAnnotations;
using Agents.Backends.Llama.PrefixCache;

namespace Agents.Backends.Llama;

/// <summary>
/// Options of the local llama.cpp backend: which GGUF file to load, how to run it, and how the generator over it
/// schedules requests. Bound from configuration (for example the <c>Agents:Llama</c> section) and validated at
/// start-up; a bad value is reported under its configuration key.
/// </summary>
public sealed class LlamaModelOptions : IValidatableObject
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
    /// <see cref="MaxConcurrentSequences"/> × <see cref="MaxBeamWidth"/>.
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
    /// <see langword="null"/>: on, except when <see cref="PrefixCache"/> is set. On is faster (measured 15% for one
    /// stream and 20% for eight on a 60M-parameter Q8_0 model on 2 CPU cores) but makes a suffix decoded over a cached
    /// prefix differ slightly from a cold prefill; off, they are bit-identical (LLamaSharp 0.30.0), which exact prefix
    /// caching relies on. See <see cref="UsesFlashAttention"/>.
    /// </value>
    public bool? FlashAttention { get; set; }

    /// <summary>Gets whether flash attention is used: <see cref="FlashAttention"/>, or when it is unset, whether <see cref="PrefixCache"/> is unset.</summary>
    public bool UsesFlashAttention => FlashAttention ?? PrefixCache is null;

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
    /// <value><see cref="ContextOverflowPolicy.Throw"/>.</value>
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

    /// <summary>Gets or sets the LoRA adapters applied to generation, each with its scale.</summary>
    public IList<LlamaLoraAdapterOptions> LoraAdapters { get; set; } = [];

    /// <summary>
    /// Gets or sets the automatic KV-prefix cache: when set, each request reuses the longest prompt prefix already
    /// evaluated for the same tenant (<see cref="CacheHint.TenantKey"/>) and decodes only the rest. The cache's statistics
    /// and <see cref="IPrefixCache.Clear"/> are reachable through <c>generator.GetService(typeof(IPrefixCache))</c>.
    /// </summary>
    /// <value><see langword="null"/>: no prefix cache (every prompt is evaluated in full).</value>
    public PrefixCacheOptions? PrefixCache { get; set; }

    /// <summary>Gets or sets whether prompt and completion text may appear in logs.</summary>
    /// <value><see langword="false"/>.</value>
    public bool EnableSensitiveDataLogging { get; set; }

    /// <summary>Gets or sets the bounds of the grammars built for response formats and tools (string and array lengths, nesting).</summary>
    /// <value>The defaults of <see cref="Grammar.JsonGrammarOptions"/>.</value>
    public Grammar.JsonGrammarOptions StructuredOutput { get; set; } = new();

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (StreamFlushInterval < TimeSpan.Zero || StreamFlushInterval > TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult(
                $"StreamFlushInterval must be between 0 and 1 second (was {StreamFlushInterval}).", [nameof(StreamFlushInterval)]);
        }

        if (UBatchSize > BatchSize)
        {
            yield return new ValidationResult(
                $"UBatchSize ({UBatchSize}) must not exceed BatchSize ({BatchSize}).", [nameof(UBatchSize)]);
        }

        // One decode step holds a token of every generating sequence (every live beam of a beam search).
        if ((long)MaxConcurrentSequences * MaxBeamWidth > BatchSize)
        {
            yield return new ValidationResult(
                $"BatchSize ({BatchSize}) must hold a token of every sequence decoding together: at least MaxConcurrentSequences × MaxBeamWidth "
                + $"({MaxConcurrentSequences} × {MaxBeamWidth} = {MaxConcurrentSequences * MaxBeamWidth}).",
                [nameof(BatchSize)]);
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

        if (!Enum.IsDefined(ContextOverflowPolicy))
        {
            yield return new ValidationResult($"Unknown ContextOverflowPolicy {ContextOverflowPolicy}.", [nameof(ContextOverflowPolicy)]);
        }

        if (PrefixCache is { } cache)
        {
            foreach (var result in ValidatePrefixCache(cache))
            {
                yield return result;
            }
        }

        var grammarResults = new List<ValidationResult>();
        if (StructuredOutput is null)
        {
            yield return new ValidationResult("StructuredOutput must not be null.", [nameof(StructuredOutput)]);
        }
        else if (!Validator.TryValidateObject(StructuredOutput, new ValidationContext(StructuredOutput), grammarResults, validateAllProperties: true))
        {
            foreach (var result in grammarResults)
            {
                yield return new ValidationResult(result.ErrorMessage, [.. result.MemberNames.Select(m => $"{nameof(StructuredOutput)}:{m}")]);
            }
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

    /// <summary>Creates a copy, so a loaded model or generator is unaffected by later changes to these options.</summary>
    /// <returns>The copy.</returns>
    public LlamaModelOptions Clone()
    {
        var copy = (LlamaModelOptions)MemberwiseClone();
        copy.PrefixCache = PrefixCache?.Clone();
        copy.StructuredOutput = StructuredOutput?.Clone()!;
        copy.LoraAdapters = [.. LoraAdapters.Select(a => new LlamaLoraAdapterOptions { Path = a.Path, Scale = a.Scale })];
        return copy;
    }

    // Mirrors PrefixCacheOptions.Validate, but names each bad value by its configuration key (PrefixCache:MaxBytes).
    private static IEnumerable<ValidationResult> ValidatePrefixCache(PrefixCacheOptions cache)
    {
        if (cache.MaxBytes <= 0)
        {
            yield return new ValidationResult(
                $"The prefix cache's MaxBytes must be positive (was {cache.MaxBytes}).", [$"{nameof(PrefixCache)}:{nameof(PrefixCacheOptions.MaxBytes)}"]);
        }

        if (cache.MinimumPrefixTokens < 1)
        {
            yield return new ValidationResult(
                $"The prefix cache's MinimumPrefixTokens must be at least 1 (was {cache.MinimumPrefixTokens}).",
                [$"{nameof(PrefixCache)}:{nameof(PrefixCacheOptions.MinimumPrefixTokens)}"]);
        }

        if (cache.DiskDirectory is not null && string.IsNullOrWhiteSpace(cache.DiskDirectory))
        {
            yield return new ValidationResult(
                "The prefix cache's DiskDirectory must be null or a folder path.", [$"{nameof(PrefixCache)}:{nameof(PrefixCacheOptions.DiskDirectory)}"]);
        }

        if (cache.MaxDiskBytes <= 0)
        {
            yield return new ValidationResult(
                $"The prefix cache's MaxDiskBytes must be positive (was {cache.MaxDiskBytes}).",
                [$"{nameof(PrefixCache)}:{nameof(PrefixCacheOptions.MaxDiskBytes)}"]);
        }
    }
}
