namespace Agents.Evaluation;

/// <summary>A rubric judge's verdict on one response.</summary>
/// <param name="Scores">One score per criterion, in the rubric's order.</param>
/// <param name="Rationale">The judge's overall rationale.</param>
/// <param name="NormalizedScore">The mean criterion score mapped to [0, 1].</param>
public sealed record RubricVerdict(IReadOnlyList<CriterionScore> Scores, string Rationale, double NormalizedScore)
{
    /// <summary>Gets the mean criterion score on the rubric's scale.</summary>
    public double MeanScore => Scores.Count == 0 ? double.NaN : Scores.Average(s => s.Score);
}
