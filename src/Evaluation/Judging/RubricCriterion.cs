namespace Agents.Evaluation;

/// <summary>One criterion of a rubric.</summary>
/// <param name="Name">A short identifier the judge echoes back, e.g. "accuracy".</param>
/// <param name="Description">What the judge looks for, e.g. "Every factual claim is correct and supported by the reference".</param>
public sealed record RubricCriterion(string Name, string Description);
