using System.Text;

namespace Agents.Safety.RateLimiting;

/// <summary>
/// Estimates a request's token cost before it is sent: the prompt's tokens plus the output tokens it may produce.
/// </summary>
/// <remarks>
/// With a tokenizer (the local backend offers its own through <see cref="IGenerator.GetService"/>), the prompt is
/// counted exactly: every message's text and tool-call arguments, plus <see cref="TokensPerMessage"/> for the chat
/// template's framing. Without one, the estimate is the UTF-8 byte count divided by <see cref="BytesPerToken"/>,
/// rounded up, per message, plus the same framing: English text averages about four bytes per token with common
/// BPE vocabularies, and counting bytes (not characters) keeps the estimate conservative for other scripts, whose
/// characters take more bytes and more tokens. Tool definitions are counted by the same byte rule either way.
/// </remarks>
public static class TokenCostEstimator
{
    /// <summary>The bytes of UTF-8 text counted as one token when no tokenizer is available.</summary>
    public const int BytesPerToken = 4;

    /// <summary>The tokens added per message for the chat template's role markers and separators.</summary>
    public const int TokensPerMessage = 4;

    /// <summary>Estimates the prompt tokens of <paramref name="request"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="tokenizer">The backend's tokenizer, or <see langword="null"/> to use the byte rule.</param>
    /// <returns>The estimated prompt tokens; at least 1.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    public static int EstimatePromptTokens(GenerationRequest request, ITokenizer? tokenizer)
    {
        ArgumentNullException.ThrowIfNull(request);
        long total = 0;
        foreach (var message in request.Messages)
        {
            total += TokensPerMessage + Count(message.Text, tokenizer);
            foreach (var call in message.ToolCalls)
            {
                total += Count(call.Name, tokenizer) + Count(call.ArgumentsJson, tokenizer);
            }
        }

        if (request.Options?.Tools is { } tools)
        {
            foreach (var tool in tools)
            {
                total += ByteEstimate(tool.Name) + ByteEstimate(tool.Description)
                    + ByteEstimate(tool.ParametersSchema.ValueKind == System.Text.Json.JsonValueKind.Undefined ? null : tool.ParametersSchema.GetRawText());
            }
        }

        return (int)Math.Clamp(total, 1, int.MaxValue);
    }

    /// <summary>Estimates the full cost of <paramref name="request"/>: prompt tokens plus the most output tokens it may produce.</summary>
    /// <param name="request">The request.</param>
    /// <param name="promptTokens">The prompt tokens, from <see cref="EstimatePromptTokens"/> or a custom estimator.</param>
    /// <param name="defaultMaxOutputTokens">The output tokens counted when <see cref="GenerationOptions.MaxTokens"/> is unset.</param>
    /// <returns>The cost in tokens.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    public static long EstimateCost(GenerationRequest request, int promptTokens, int defaultMaxOutputTokens)
    {
        ArgumentNullException.ThrowIfNull(request);
        var output = request.Options?.MaxTokens is { } max and > 0 ? max : defaultMaxOutputTokens;
        return (long)Math.Max(promptTokens, 0) + output;
    }

    private static long Count(string? text, ITokenizer? tokenizer) =>
        string.IsNullOrEmpty(text) ? 0 : tokenizer is null ? ByteEstimate(text) : tokenizer.CountTokens(text);

    private static long ByteEstimate(string? text) =>
        string.IsNullOrEmpty(text) ? 0 : (Encoding.UTF8.GetByteCount(text) + BytesPerToken - 1) / BytesPerToken;
}
