namespace Agents.Evaluation;

/// <summary>The paired difference of one metric between the baseline and another candidate, with a bootstrap interval.</summary>
/// <param name="Metric">The metric.</param>
/// <param name="Baseline">The baseline candidate (A).</param>
/// <param name="Candidate">The compared candidate (B).</param>
/// <param name="MeanDelta">Mean over shared items of B − A.</param>
/// <param name="Lower">The 2.5th percentile of the bootstrap distribution of the mean delta.</param>
/// <param name="Upper">The 97.5th percentile.</param>
/// <param name="Count">The items both candidates were scored on.</param>
public sealed record MetricDelta(string Metric, string Baseline, string Candidate, double MeanDelta, double Lower, double Upper, int Count)
{
    /// <summary>Gets a value indicating whether the 95% interval excludes 0.</summary>
    public bool Significant => Count > 1 && (Lower > 0 || Upper < 0);
}
