namespace Agents;

/// <summary>One increment of a streamed response.</summary>
/// <remarks>
/// Content updates carry <see cref="Text"/> (and, when complete, <see cref="ToolCalls"/>); the last update of a
/// stream carries <see cref="FinishReason"/>, <see cref="Usage"/> and <see cref="Timings"/>.
/// </remarks>
public sealed class GenerationUpdate
{
    /// <summary>Gets or sets the text added by this update.</summary>
    /// <value>Empty for updates that carry only metadata.</value>
    public string Text { get; set; } = string.Empty;

    /// <summary>Gets or sets tool calls completed by this update (arguments fully assembled).</summary>
    public IReadOnlyList<ToolCall> ToolCalls { get; set; } = [];

    /// <summary>Gets or sets why generation ended; set on the last update only.</summary>
    public FinishReason? FinishReason { get; set; }

    /// <summary>Gets or sets the tokens read and written; set on the last update.</summary>
    public Usage? Usage { get; set; }

    /// <summary>Gets or sets the timings; set on the last update.</summary>
    public GenerationTimings? Timings { get; set; }

    /// <summary>Gets or sets the id of the model that answered.</summary>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets the provider's id for this response.</summary>
    public string? ResponseId { get; set; }

    /// <summary>Gets or sets the log-probabilities of the tokens this update added.</summary>
    public IReadOnlyList<TokenLogProbability>? LogProbabilities { get; set; }

    /// <summary>Gets or sets every final beam with its score; set on the last update of a beam search that asked for them.</summary>
    public IReadOnlyList<BeamResult>? Beams { get; set; }

    /// <summary>Gets or sets provider-specific data.</summary>
    public IDictionary<string, object?>? AdditionalProperties { get; set; }

    /// <inheritdoc/>
    public override string ToString() => Text;
}
