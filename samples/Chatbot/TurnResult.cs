namespace Agents.Samples.Chatbot;

/// <summary>One answer and how it went.</summary>
public sealed record TurnResult(
    string Text,
    FinishReason? FinishReason,
    Usage Usage,
    TimeSpan? TimeToFirstToken,
    TimeSpan Total,
    string? ModelId)
{
    public double? TokensPerSecond
    {
        get
        {
            var decoding = Total - (TimeToFirstToken ?? TimeSpan.Zero);
            return Usage.CompletionTokens > 1 && decoding > TimeSpan.Zero ? (Usage.CompletionTokens - 1) / decoding.TotalSeconds : null;
        }
    }
}
