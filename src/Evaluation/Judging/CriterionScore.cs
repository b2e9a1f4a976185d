namespace Agents.Evaluation;

/// <summary>The judge's score on one criterion.</summary>
/// <param name="Criterion">The criterion's name.</param>
/// <param name="Score">The score on the rubric's scale.</param>
/// <param name="Rationale">Why, in the judge's words.</param>
public sealed record CriterionScore(string Criterion, int Score, string Rationale);
