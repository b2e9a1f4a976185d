namespace Agents.Evaluation;

/// <summary>A human's rating read back from an audit sheet.</summary>
/// <param name="ItemId">The item.</param>
/// <param name="Candidate">The candidate rated (for a pairwise row, candidate B).</param>
/// <param name="Likert">The Likert rating, when the rater gave one.</param>
/// <param name="Preference">The pairwise preference (A, B or tie), when the row is pairwise and the rater gave one.</param>
public sealed record HumanRating(string ItemId, string Candidate, int? Likert, PairwiseWinner? Preference);
