namespace Agents.Evaluation;

/// <summary>
/// Cohen's kappa, the agreement of two raters beyond chance: κ = (pₒ − pₑ) / (1 − pₑ), with pₒ the share of items both
/// rate alike and pₑ = Σₖ pₐ(k) · p_b(k) the agreement expected from each rater's own label frequencies.
/// κ = 1 is perfect agreement, 0 chance level, negative worse than chance. When pₑ = 1 (both raters gave one and the
/// same label to every item) κ is undefined and reported as 1.
/// </summary>
public static class CohensKappa
{
    /// <summary>Computes kappa over paired labels.</summary>
    /// <typeparam name="T">The label type.</typeparam>
    /// <param name="first">The first rater's labels.</param>
    /// <param name="second">The second rater's labels, item for item.</param>
    /// <returns>κ in [−1, 1]; NaN with no item.</returns>
    /// <exception cref="ArgumentNullException">A list is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    public static double Compute<T>(IReadOnlyList<T> first, IReadOnlyList<T> second)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Count != second.Count)
        {
            throw new ArgumentException($"The raters labelled {first.Count} and {second.Count} items; they must label the same items.", nameof(second));
        }

        if (first.Count == 0)
        {
            return double.NaN;
        }

        double n = first.Count;
        var observed = first.Zip(second).Count(pair => EqualityComparer<T>.Default.Equals(pair.First, pair.Second)) / n;
        var firstCounts = first.GroupBy(label => label).ToDictionary(g => g.Key, g => g.Count());
        var secondCounts = second.GroupBy(label => label).ToDictionary(g => g.Key, g => g.Count());
        var expected = firstCounts.Sum(pair => pair.Value / n * (secondCounts.GetValueOrDefault(pair.Key) / n));
        return expected >= 1 ? 1 : (observed - expected) / (1 - expected);
    }
}
