namespace Agents.Evaluation;

/// <summary>A pairwise judgement of two candidates on one item: a line of pairwise.jsonl.</summary>
public sealed record PairwiseResult
{
    /// <summary>Gets the item's id.</summary>
    public required string ItemId { get; init; }

    /// <summary>Gets candidate A's name (the baseline, the first candidate).</summary>
    public required string CandidateA { get; init; }

    /// <summary>Gets candidate B's name.</summary>
    public required string CandidateB { get; init; }

    /// <summary>Gets the combined outcome; <see langword="null"/> when the judge failed.</summary>
    public PairwiseWinner? Winner { get; init; }

    /// <summary>Gets a value indicating whether both presentation orders agreed.</summary>
    public bool Consistent { get; init; }

    /// <summary>Gets the judge's rationales (A first, then B first), or its failure.</summary>
    public string? Rationale { get; init; }
}
