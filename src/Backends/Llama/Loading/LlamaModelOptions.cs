using System.ComponentModel.DataAnnotations;
using Agents.Backends.Llama.Grammar;
using Agents.Backends.Llama.PrefixCache;
using Agents.Configuration;

namespace Agents.Backends.Llama;

/// <summary>
/// Options of the local llama.cpp backend, in three sections: <see cref="Load"/> (which GGUF file and how to run it),
/// <see cref="Scheduling"/> (how requests share the context) and <see cref="PrefixCache"/> (the optional KV-prefix
/// cache), plus the generator's own settings. Bound from configuration (for example the <c>Agents:Llama</c> section)
/// and validated at start-up; a bad value is reported under its configuration key.
/// </summary>
/// <remarks>
/// The load and scheduling settings keep the flat keys they have always had (<c>Agents:Llama:ModelPath</c>,
/// <c>Agents:Llama:MaxConcurrentSequences</c>): their sections are marked <see cref="FlattenedSectionAttribute"/>, so
/// <see cref="OptionsBinder"/> (used by <c>AddLlamaGenerator</c>) binds them from the model's section itself. The
/// prefix cache has its own sub-section, <c>Agents:Llama:PrefixCache</c>, as before.
/// </remarks>
public sealed class LlamaModelOptions : IValidatableObject
{
    /// <summary>Gets or sets the load section: the GGUF file, context, threads, batch sizes, attention, adapters and chat template.</summary>
    /// <value>A new <see cref="LlamaLoadOptions"/>; at least <see cref="LlamaLoadOptions.ModelPath"/> must be set.</value>
    [FlattenedSection]
    public LlamaLoadOptions Load { get; set; } = new();

    /// <summary>Gets or sets the scheduling section: concurrent sequences, queue, beams, KV cache size, overflow and streaming.</summary>
    /// <value>A new <see cref="LlamaSchedulingOptions"/>.</value>
    [FlattenedSection]
    public LlamaSchedulingOptions Scheduling { get; set; } = new();

    /// <summary>
    /// Gets or sets the automatic KV-prefix cache: when set, each request reuses the longest prompt prefix already
    /// evaluated for the same tenant (<see cref="CacheHint.TenantKey"/>) and decodes only the rest. The cache's statistics
    /// and <see cref="IPrefixCache.Clear"/> are reachable through <c>generator.GetService(typeof(IPrefixCache))</c>.
    /// </summary>
    /// <value><see langword="null"/>: no prefix cache (every prompt is evaluated in full).</value>
    public PrefixCacheOptions? PrefixCache { get; set; }

    /// <summary>Gets whether flash attention is used: <see cref="LlamaLoadOptions.FlashAttention"/>, or when it is unset, whether <see cref="PrefixCache"/> is unset.</summary>
    public bool UsesFlashAttention => Load?.FlashAttention ?? PrefixCache is null;

    /// <summary>Gets or sets whether prompt and completion text may appear in logs.</summary>
    /// <value><see langword="false"/>.</value>
    public bool EnableSensitiveDataLogging { get; set; }

    /// <summary>Gets or sets the bounds of the grammars built for response formats and tools (string and array lengths, nesting).</summary>
    /// <value>The defaults of <see cref="JsonGrammarOptions"/>.</value>
    public JsonGrammarOptions StructuredOutput { get; set; } = new();

    /// <inheritdoc/>
    /// <remarks>
    /// Only what spans sections is checked here; each section checks its own settings, and
    /// <see cref="OptionsValidator"/> walks them all and reports every failure at once.
    /// </remarks>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Load is null)
        {
            yield return new ValidationResult("Load must not be null.", [nameof(Load)]);
        }

        if (Scheduling is null)
        {
            yield return new ValidationResult("Scheduling must not be null.", [nameof(Scheduling)]);
        }

        if (StructuredOutput is null)
        {
            yield return new ValidationResult("StructuredOutput must not be null.", [nameof(StructuredOutput)]);
        }

        // One decode step holds a token of every generating sequence (every live beam of a beam search).
        if (Load is { } load && Scheduling is { } scheduling && (long)scheduling.MaxConcurrentSequences * scheduling.MaxBeamWidth > load.BatchSize)
        {
            yield return new ValidationResult(
                $"BatchSize ({load.BatchSize}) must hold a token of every sequence decoding together: at least MaxConcurrentSequences × MaxBeamWidth "
                + $"({scheduling.MaxConcurrentSequences} × {scheduling.MaxBeamWidth} = {(long)scheduling.MaxConcurrentSequences * scheduling.MaxBeamWidth}).",
                [nameof(LlamaLoadOptions.BatchSize)]);
        }
    }

    /// <summary>Creates a copy, so a loaded model or generator is unaffected by later changes to these options.</summary>
    /// <returns>The copy.</returns>
    public LlamaModelOptions Clone()
    {
        var copy = (LlamaModelOptions)MemberwiseClone();
        copy.Load = Load?.Clone()!;
        copy.Scheduling = Scheduling?.Clone()!;
        copy.PrefixCache = PrefixCache?.Clone();
        copy.StructuredOutput = StructuredOutput?.Clone()!;
        return copy;
    }
}
