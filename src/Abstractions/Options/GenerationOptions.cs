namespace Agents;

/// <summary>Options that shape one generation: length, decoding, format, tools, caching.</summary>
/// <remarks>
/// Every property is optional; <see langword="null"/> means "the backend's default". Middleware never mutates a
/// caller's instance: it works on a <see cref="Clone"/>.
/// </remarks>
public sealed class GenerationOptions
{
    /// <summary>Gets or sets the most tokens to generate.</summary>
    /// <value><see langword="null"/> for the backend's default; otherwise at least 1.</value>
    public int? MaxTokens { get; set; }

    /// <summary>Gets or sets the sampling temperature: 0 is greedy, higher is more random.</summary>
    /// <value><see langword="null"/> for the backend's default; otherwise ≥ 0.</value>
    public float? Temperature { get; set; }

    /// <summary>Gets or sets top-k: sample only among the k most probable tokens (0 disables the cut).</summary>
    public int? TopK { get; set; }

    /// <summary>Gets or sets top-p (nucleus): sample among the smallest set of tokens whose probability sums to p.</summary>
    /// <value><see langword="null"/> for the backend's default; otherwise in (0, 1].</value>
    public float? TopP { get; set; }

    /// <summary>Gets or sets min-p: drop tokens less probable than min-p times the most probable one.</summary>
    /// <value><see langword="null"/> for the backend's default; otherwise in [0, 1].</value>
    public float? MinP { get; set; }

    /// <summary>Gets or sets the repetition penalty (1 is none; above 1 discourages repeating earlier tokens).</summary>
    public float? RepetitionPenalty { get; set; }

    /// <summary>Gets or sets the frequency penalty, subtracted once per earlier occurrence of a token.</summary>
    public float? FrequencyPenalty { get; set; }

    /// <summary>Gets or sets the presence penalty, subtracted once from any token that occurred before.</summary>
    public float? PresencePenalty { get; set; }

    /// <summary>Gets or sets the seed of the random sampler; the same seed gives the same output.</summary>
    public long? Seed { get; set; }

    /// <summary>Gets or sets texts that end generation when produced; the stop text is not returned.</summary>
    public IList<string>? StopSequences { get; set; }

    /// <summary>Gets or sets the decoding strategy.</summary>
    /// <value><see langword="null"/>: sample when <see cref="Temperature"/> is above 0, else greedy.</value>
    public DecodingStrategy? Decoding { get; set; }

    /// <summary>Gets or sets the shape the response takes (text, JSON, or JSON conforming to a schema).</summary>
    public ResponseFormat? ResponseFormat { get; set; }

    /// <summary>Gets or sets the tools the model may call.</summary>
    public IList<ToolDefinition>? Tools { get; set; }

    /// <summary>Gets or sets whether the model may call several tools in one turn.</summary>
    public bool? AllowParallelToolCalls { get; set; }

    /// <summary>Gets or sets whether the model may, must or must not call a tool, or which one it must call.</summary>
    /// <value><see langword="null"/> for the backend's default (the model decides).</value>
    public ToolChoice? ToolChoice { get; set; }

    /// <summary>Gets or sets whether per-token log-probabilities are returned.</summary>
    public bool? IncludeLogProbabilities { get; set; }

    /// <summary>Gets or sets which part of the request is stable and whose it is, for prefix and prompt caches.</summary>
    public CacheHint? CacheHint { get; set; }

    /// <summary>Gets or sets the model to use, for backends that serve several.</summary>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets provider-specific options, passed through to backends that understand them.</summary>
    public IDictionary<string, object?>? AdditionalProperties { get; set; }

    /// <summary>Creates a copy whose lists and dictionaries are new instances, safe to change.</summary>
    /// <returns>The copy.</returns>
    public GenerationOptions Clone() => new()
    {
        MaxTokens = MaxTokens,
        Temperature = Temperature,
        TopK = TopK,
        TopP = TopP,
        MinP = MinP,
        RepetitionPenalty = RepetitionPenalty,
        FrequencyPenalty = FrequencyPenalty,
        PresencePenalty = PresencePenalty,
        Seed = Seed,
        StopSequences = StopSequences is null ? null : [.. StopSequences],
        Decoding = Decoding,
        ResponseFormat = ResponseFormat,
        Tools = Tools is null ? null : [.. Tools],
        AllowParallelToolCalls = AllowParallelToolCalls,
        ToolChoice = ToolChoice,
        IncludeLogProbabilities = IncludeLogProbabilities,
        CacheHint = CacheHint,
        ModelId = ModelId,
        AdditionalProperties = AdditionalProperties is null
            ? null
            : new Dictionary<string, object?>(AdditionalProperties, StringComparer.Ordinal),
    };

    /// <summary>Gets the decoding strategy that applies: <see cref="Decoding"/>, or the one implied by <see cref="Temperature"/>.</summary>
    /// <returns>The effective strategy.</returns>
    public DecodingStrategy GetEffectiveDecoding() =>
        Decoding ?? (Temperature is > 0f ? DecodingStrategy.Sampling : DecodingStrategy.Greedy);
}
