using System.Text.Json.Serialization;

namespace Agents;

/// <summary>The stored form of a completed <see cref="GenerationResult"/>.</summary>
internal sealed class CachedResponse
{
    [JsonPropertyName("text")]
    public string? Text { get; set; }

    [JsonPropertyName("tool_calls")]
    public List<CachedToolCall>? ToolCalls { get; set; }

    [JsonPropertyName("finish_reason")]
    public FinishReason? FinishReason { get; set; }

    [JsonPropertyName("usage")]
    public CachedUsage? Usage { get; set; }

    [JsonPropertyName("model_id")]
    public string? ModelId { get; set; }

    [JsonPropertyName("response_id")]
    public string? ResponseId { get; set; }

    [JsonPropertyName("logprobs")]
    public List<TokenLogProbability>? LogProbabilities { get; set; }

    [JsonPropertyName("beams")]
    public List<BeamResult>? Beams { get; set; }

    public static CachedResponse From(GenerationResult result) => new()
    {
        Text = result.Text,
        ToolCalls = result.Message.ToolCalls.Count == 0
            ? null
            : [.. result.Message.ToolCalls.Select(c => new CachedToolCall { Id = c.Id, Name = c.Name, Arguments = c.ArgumentsJson })],
        FinishReason = result.FinishReason,
        Usage = result.Usage is { } usage
            ? new CachedUsage
            {
                Prompt = usage.PromptTokens,
                Completion = usage.CompletionTokens,
                CachedPrompt = usage.CachedPromptTokens,
                CacheWritePrompt = usage.CacheWritePromptTokens,
            }
            : null,
        ModelId = result.ModelId,
        ResponseId = result.ResponseId,
        LogProbabilities = result.LogProbabilities is null ? null : [.. result.LogProbabilities],
        Beams = result.Beams is null ? null : [.. result.Beams],
    };

    /// <summary>Rebuilds the result, or returns <see langword="null"/> when the entry lacks what every stored entry has.</summary>
    public GenerationResult? ToResult()
    {
        if (Text is null || FinishReason is null || !Enum.IsDefined(FinishReason.Value))
        {
            return null;
        }

        var toolCalls = new List<ToolCall>();
        foreach (var call in ToolCalls ?? [])
        {
            if (string.IsNullOrEmpty(call.Id) || string.IsNullOrEmpty(call.Name) || call.Arguments is null)
            {
                return null;
            }

            toolCalls.Add(new ToolCall(call.Id, call.Name, call.Arguments));
        }

        return new GenerationResult(Message.Assistant(Text) with { ToolCalls = toolCalls })
        {
            FinishReason = FinishReason,
            Usage = Usage is { } usage
                ? new Usage
                {
                    PromptTokens = usage.Prompt,
                    CompletionTokens = usage.Completion,
                    CachedPromptTokens = usage.CachedPrompt,
                    CacheWritePromptTokens = usage.CacheWritePrompt,
                }
                : null,
            ModelId = ModelId,
            ResponseId = ResponseId,
            LogProbabilities = LogProbabilities,
            Beams = Beams,
        };
    }
}
