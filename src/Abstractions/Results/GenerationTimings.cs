namespace Agents;

/// <summary>How long a generation took.</summary>
public sealed record GenerationTimings
{
    /// <summary>Gets the time from the call to the first generated token.</summary>
    public TimeSpan? TimeToFirstToken { get; init; }

    /// <summary>Gets the time from the call to the last token.</summary>
    public TimeSpan? Total { get; init; }

    /// <summary>Gets completion tokens per second after the first token, when both timings and a count are known.</summary>
    /// <param name="completionTokens">The number of tokens generated.</param>
    /// <returns>The decode rate, or <see langword="null"/> when it cannot be computed.</returns>
    public double? TokensPerSecond(int completionTokens)
    {
        if (Total is not { } total || completionTokens <= 1)
        {
            return null;
        }

        var decode = total - (TimeToFirstToken ?? TimeSpan.Zero);
        return decode > TimeSpan.Zero ? (completionTokens - 1) / decode.TotalSeconds : null;
    }
}
