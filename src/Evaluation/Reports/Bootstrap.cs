namespace Agents.Evaluation;

/// <summary>
/// Percentile bootstrap of a mean: resample the values with replacement <c>resamples</c> times, take each resample's
/// mean, and report the 2.5th and 97.5th percentiles of those means. Seeded, so reports are reproducible.
/// </summary>
public static class Bootstrap
{
    /// <summary>The 95% percentile-bootstrap interval of the mean of <paramref name="values"/>.</summary>
    /// <param name="values">The values (e.g. paired differences).</param>
    /// <param name="seed">The resampling seed.</param>
    /// <param name="resamples">The number of resamples.</param>
    /// <returns>(lower, upper); (NaN, NaN) with no value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="resamples"/> is below 10.</exception>
    public static (double Lower, double Upper) MeanInterval(IReadOnlyList<double> values, int seed, int resamples = 2000)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 10);
        if (values.Count == 0)
        {
            return (double.NaN, double.NaN);
        }

        var random = new Random(seed);
        var means = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            double sum = 0;
            for (var i = 0; i < values.Count; i++)
            {
                sum += values[random.Next(values.Count)];
            }

            means[r] = sum / values.Count;
        }

        Array.Sort(means);
        return (MetricSummary.Percentile(means, 0.025), MetricSummary.Percentile(means, 0.975));
    }
}
