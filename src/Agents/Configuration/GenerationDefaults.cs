using System.ComponentModel.DataAnnotations;

namespace Agents;

/// <summary>
/// Default generation options for a pipeline, bound from configuration (for example the
/// <c>Agents:Defaults</c> section of <c>appsettings.json</c>) and applied by <c>UseDefaults()</c> to every
/// request that leaves them unset.
/// </summary>
public sealed class GenerationDefaults : IValidatableObject
{
    /// <summary>Gets or sets the default most tokens to generate.</summary>
    [Range(1, int.MaxValue)]
    public int? MaxTokens { get; set; }

    /// <summary>Gets or sets the default temperature.</summary>
    [Range(0.0, 100.0)]
    public float? Temperature { get; set; }

    /// <summary>Gets or sets the default top-k.</summary>
    [Range(0, int.MaxValue)]
    public int? TopK { get; set; }

    /// <summary>Gets or sets the default top-p, in (0, 1].</summary>
    public float? TopP { get; set; }

    /// <summary>Gets or sets the default min-p, in [0, 1].</summary>
    [Range(0.0, 1.0)]
    public float? MinP { get; set; }

    /// <summary>Gets or sets the default repetition penalty.</summary>
    [Range(0.0, 10.0)]
    public float? RepetitionPenalty { get; set; }

    /// <summary>Gets or sets the default seed.</summary>
    public long? Seed { get; set; }

    /// <summary>Gets or sets the default stop sequences.</summary>
    public IList<string>? StopSequences { get; set; }

    /// <summary>Gets or sets the default model id.</summary>
    public string? ModelId { get; set; }

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TopP is { } p && (!(p > 0) || p > 1))
        {
            yield return new ValidationResult($"TopP must be in (0, 1]; it is {p}.", [nameof(TopP)]);
        }

        if (StopSequences is { } stops && stops.Any(string.IsNullOrEmpty))
        {
            yield return new ValidationResult("Stop sequences must not be empty.", [nameof(StopSequences)]);
        }
    }

    /// <summary>Fills every option that <paramref name="options"/> leaves unset from these defaults.</summary>
    /// <param name="options">The options to complete; changed in place.</param>
    public void ApplyTo(GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.MaxTokens ??= MaxTokens;
        options.Temperature ??= Temperature;
        options.TopK ??= TopK;
        options.TopP ??= TopP;
        options.MinP ??= MinP;
        options.RepetitionPenalty ??= RepetitionPenalty;
        options.Seed ??= Seed;
        options.StopSequences ??= StopSequences is null ? null : [.. StopSequences];
        options.ModelId ??= ModelId;
    }
}
