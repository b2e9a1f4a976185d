namespace Agents;

/// <summary>Names from the OpenTelemetry GenAI semantic conventions, and their spelling of our enums.</summary>
internal static class GenAiNames
{
    public const string OperationName = "gen_ai.operation.name";
    public const string ChatOperation = "chat";
    public const string ProviderName = "gen_ai.provider.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string RequestMaxTokens = "gen_ai.request.max_tokens";
    public const string RequestTemperature = "gen_ai.request.temperature";
    public const string RequestTopP = "gen_ai.request.top_p";
    public const string RequestTopK = "gen_ai.request.top_k";
    public const string RequestSeed = "gen_ai.request.seed";
    public const string RequestStopSequences = "gen_ai.request.stop_sequences";
    public const string RequestFrequencyPenalty = "gen_ai.request.frequency_penalty";
    public const string RequestPresencePenalty = "gen_ai.request.presence_penalty";
    public const string RequestStream = "gen_ai.request.stream";
    public const string ResponseModel = "gen_ai.response.model";
    public const string ResponseId = "gen_ai.response.id";
    public const string ResponseFinishReasons = "gen_ai.response.finish_reasons";
    public const string ResponseTimeToFirstChunk = "gen_ai.response.time_to_first_chunk";
    public const string UsageInputTokens = "gen_ai.usage.input_tokens";
    public const string UsageOutputTokens = "gen_ai.usage.output_tokens";
    public const string UsageCacheReadInputTokens = "gen_ai.usage.cache_read.input_tokens";
    public const string UsageCacheCreationInputTokens = "gen_ai.usage.cache_creation.input_tokens";
    public const string InputMessages = "gen_ai.input.messages";
    public const string OutputMessages = "gen_ai.output.messages";
    public const string TokenType = "gen_ai.token.type";
    public const string ErrorType = "error.type";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";

    public const string OperationDurationMetric = "gen_ai.client.operation.duration";
    public const string TokenUsageMetric = "gen_ai.client.token.usage";
    public const string CacheReadInputTokensMetric = "gen_ai.client.inference.usage.cache_read.input_tokens";
    public const string TimeToFirstChunkMetric = "gen_ai.client.operation.time_to_first_chunk";

    /// <summary>The finish-reason values used on spans and in logs (OpenAI's spelling, plus Anthropic's stop_sequence).</summary>
    public static string ToWireName(FinishReason reason) => reason switch
    {
        FinishReason.Stop => "stop",
        FinishReason.Length => "length",
        FinishReason.StopSequence => "stop_sequence",
        FinishReason.ToolCalls => "tool_calls",
        FinishReason.ContentFilter => "content_filter",
        _ => reason.ToString(),
    };

    public static string ToWireName(MessageRole role) => role switch
    {
        MessageRole.System => "system",
        MessageRole.User => "user",
        MessageRole.Assistant => "assistant",
        MessageRole.Tool => "tool",
        _ => role.ToString(),
    };
}
