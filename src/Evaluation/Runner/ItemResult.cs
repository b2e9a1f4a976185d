namespace Agents.Evaluation;

/// <summary>One generator's answer to one item (or to one adversarial variant of it), with its scores: a line of results.jsonl.</summary>
public sealed record ItemResult
{
    /// <summary>Gets the candidate's name.</summary>
    public required string Candidate { get; init; }

    /// <summary>Gets the item's id.</summary>
    public required string ItemId { get; init; }

    /// <summary>Gets the adversarial variant (see <see cref="AdversarialKind"/>), or <see langword="null"/> for the original input.</summary>
    public string? Variant { get; init; }

    /// <summary>Gets the generated text; <see langword="null"/> when the call failed.</summary>
    public string? Output { get; init; }

    /// <summary>Gets the error (exception type and message) when the call failed.</summary>
    public string? Error { get; init; }

    /// <summary>Gets the wall-clock latency of the call in milliseconds.</summary>
    public double LatencyMs { get; init; }

    /// <summary>Gets the prompt tokens reported by the generator.</summary>
    public int PromptTokens { get; init; }

    /// <summary>Gets the completion tokens reported by the generator.</summary>
    public int CompletionTokens { get; init; }

    /// <summary>Gets the cost of the call from the candidate's token prices.</summary>
    public double Cost { get; init; }

    /// <summary>Gets the seed the call used.</summary>
    public long Seed { get; init; }

    /// <summary>Gets the metric scores by name (e.g. "rougeL", "judge", "judge.accuracy").</summary>
    public Dictionary<string, double> Scores { get; init; } = [];

    /// <summary>Gets the judge's rationale, or its failure.</summary>
    public string? JudgeRationale { get; init; }
}
