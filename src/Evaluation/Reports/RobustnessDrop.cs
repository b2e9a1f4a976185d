namespace Agents.Evaluation;

/// <summary>How much one metric fell for one candidate under one adversarial variant.</summary>
/// <param name="Candidate">The candidate.</param>
/// <param name="Variant">The variant (<see cref="AdversarialKind"/> name).</param>
/// <param name="Metric">The metric.</param>
/// <param name="BaselineMean">The mean on the original inputs.</param>
/// <param name="VariantMean">The mean on the variant inputs (failed calls score as an empty answer).</param>
/// <param name="ErrorRate">The share of variant calls that failed.</param>
public sealed record RobustnessDrop(string Candidate, string Variant, string Metric, double BaselineMean, double VariantMean, double ErrorRate)
{
    /// <summary>Gets the drop, baseline mean − variant mean (positive: worse under attack).</summary>
    public double Drop => BaselineMean - VariantMean;
}
