namespace Agents.Evaluation;

/// <summary>The agreement of the judge with human ratings.</summary>
/// <param name="Kind">"likert" (rubric judge vs human Likert, both on 1–5) or "pairwise" (judge vs human preference).</param>
/// <param name="Source">"audit" (ratings read back from the sheet) or "labels" (the dataset's human_score / human_preference labels).</param>
/// <param name="Kappa">Cohen's kappa.</param>
/// <param name="Agreement">The raw share of identical labels.</param>
/// <param name="Count">The items rated by both.</param>
public sealed record AgreementSummary(string Kind, string Source, double Kappa, double Agreement, int Count);
