namespace Agents;

/// <summary>
/// The <c>AdditionalProperties</c> keys under which the Microsoft.Extensions.AI interop carries what
/// <c>ChatOptions</c>, <c>ChatResponse</c> and <c>FunctionCallContent</c> have no property for, so that it comes back
/// out on the other side.
/// </summary>
public static class ChatInteropPropertyNames
{
    /// <summary>Carries <see cref="GenerationOptions.MinP"/> (a <see cref="float"/>) in <c>ChatOptions.AdditionalProperties</c>.</summary>
    public const string MinP = "agents.min_p";

    /// <summary>Carries <see cref="GenerationOptions.RepetitionPenalty"/> (a <see cref="float"/>) in <c>ChatOptions.AdditionalProperties</c>.</summary>
    public const string RepetitionPenalty = "agents.repetition_penalty";

    /// <summary>Carries <see cref="GenerationOptions.Decoding"/> (a <see cref="DecodingStrategy"/>) in <c>ChatOptions.AdditionalProperties</c>.</summary>
    public const string Decoding = "agents.decoding";

    /// <summary>Carries <see cref="GenerationOptions.IncludeLogProbabilities"/> (a <see cref="bool"/>) in <c>ChatOptions.AdditionalProperties</c>.</summary>
    public const string IncludeLogProbabilities = "agents.include_logprobs";

    /// <summary>Carries <see cref="GenerationOptions.CacheHint"/> (a <see cref="Agents.CacheHint"/>) in <c>ChatOptions.AdditionalProperties</c>.</summary>
    public const string CacheHint = "agents.cache_hint";

    /// <summary>Carries <see cref="ToolCall.ArgumentsJson"/> verbatim in <c>FunctionCallContent.AdditionalProperties</c>, so arguments come back byte for byte.</summary>
    public const string ArgumentsJson = "agents.arguments_json";

    /// <summary>
    /// Marks a <see cref="Agents.FinishReason.StopSequence"/> in a response's or update's <c>AdditionalProperties</c> (value
    /// <c>"stop_sequence"</c>); the <c>ChatFinishReason</c> itself says <c>stop</c>, as M.E.AI consumers expect.
    /// </summary>
    public const string FinishReason = "agents.finish_reason";

    /// <summary>Carries <see cref="GenerationResult.LogProbabilities"/> in a response's or update's <c>AdditionalProperties</c>.</summary>
    public const string LogProbabilities = "agents.logprobs";

    /// <summary>Carries <see cref="GenerationResult.Beams"/> in a response's or update's <c>AdditionalProperties</c>.</summary>
    public const string Beams = "agents.beams";

    /// <summary>Carries <see cref="GenerationResult.Timings"/> in a response's or update's <c>AdditionalProperties</c>.</summary>
    public const string Timings = "agents.timings";

    /// <summary>Carries <see cref="Usage.CacheWritePromptTokens"/> in <c>UsageDetails.AdditionalCounts</c>.</summary>
    public const string CacheWriteInputTokens = "agents.cache_write_input_tokens";
}
