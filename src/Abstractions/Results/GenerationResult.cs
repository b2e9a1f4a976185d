namespace Agents;

/// <summary>The complete response to a <see cref="GenerationRequest"/>.</summary>
public sealed class GenerationResult
{
    /// <summary>Creates a result holding <paramref name="message"/>.</summary>
    /// <param name="message">The generated assistant message.</param>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is <see langword="null"/>.</exception>
    public GenerationResult(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Message = message;
    }

    /// <summary>Creates a result holding an assistant message with <paramref name="text"/>.</summary>
    /// <param name="text">The generated text.</param>
    public GenerationResult(string text)
        : this(Message.Assistant(text))
    {
    }

    /// <summary>Gets or sets the generated assistant message, with any tool calls.</summary>
    public Message Message { get; set; }

    /// <summary>Gets the generated text.</summary>
    public string Text => Message.Text;

    /// <summary>Gets or sets why generation ended.</summary>
    public FinishReason? FinishReason { get; set; }

    /// <summary>Gets or sets the tokens read and written.</summary>
    public Usage? Usage { get; set; }

    /// <summary>Gets or sets the time to first token and the total time.</summary>
    public GenerationTimings? Timings { get; set; }

    /// <summary>Gets or sets the id of the model that answered.</summary>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets the provider's id for this response.</summary>
    public string? ResponseId { get; set; }

    /// <summary>Gets or sets per-token log-probabilities, when <see cref="GenerationOptions.IncludeLogProbabilities"/> asked for them.</summary>
    public IReadOnlyList<TokenLogProbability>? LogProbabilities { get; set; }

    /// <summary>Gets or sets every final beam with its score, when a beam search asked for them.</summary>
    public IReadOnlyList<BeamResult>? Beams { get; set; }

    /// <summary>Gets or sets provider-specific data about the response.</summary>
    public IDictionary<string, object?>? AdditionalProperties { get; set; }

    /// <summary>Turns the result into the stream of updates that would have produced it: one content update, then a final one.</summary>
    /// <returns>The updates.</returns>
    public IReadOnlyList<GenerationUpdate> ToUpdates() =>
    [
        new GenerationUpdate
        {
            Text = Text,
            ToolCalls = Message.ToolCalls,
            ModelId = ModelId,
            ResponseId = ResponseId,
            LogProbabilities = LogProbabilities,
        },
        new GenerationUpdate
        {
            FinishReason = FinishReason,
            Usage = Usage,
            Timings = Timings,
            ModelId = ModelId,
            ResponseId = ResponseId,
            Beams = Beams,
            AdditionalProperties = AdditionalProperties,
        },
    ];

    /// <inheritdoc/>
    public override string ToString() => Text;
}
