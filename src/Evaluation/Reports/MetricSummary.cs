namespace Agents.Evaluation;

/// <summary>The distribution of one metric over a candidate's items.</summary>
/// <param name="Mean">The mean.</param>
/// <param name="StandardDeviation">The sample standard deviation (0 with one item).</param>
/// <param name="Min">The minimum.</param>
/// <param name="Max">The maximum.</param>
/// <param name="Median">The median.</param>
/// <param name="P95">The 95th percentile (nearest rank).</param>
/// <param name="Count">The items scored.</param>
public sealed record MetricSummary(double Mean, double StandardDeviation, double Min, double Max, double Median, double P95, int Count)
{
    internal static MetricSummary Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return new MetricSummary(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0);
        }

        var sorted = values.Order().ToArray();
        var mean = sorted.Average();
        var sd = sorted.Length < 2 ? 0 : Math.Sqrt(sorted.Sum(v => (v - mean) * (v - mean)) / (sorted.Length - 1));
        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        return new MetricSummary(mean, sd, sorted[0], sorted[^1], median, Percentile(sorted, 0.95), sorted.Length);
    }

    internal static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
