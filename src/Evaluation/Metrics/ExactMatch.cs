namespace Agents.Evaluation;

/// <summary>
/// Exact match: 1 when the prediction's normalized answer tokens (<see cref="TextTokens.NormalizedAnswer"/>) equal some
/// reference's, else 0.
/// </summary>
public static class ExactMatch
{
    /// <summary>Scores <paramref name="prediction"/> against one or more references.</summary>
    /// <param name="prediction">The generated answer.</param>
    /// <param name="references">Acceptable answers; the best match counts.</param>
    /// <returns>1 or 0.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="references"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="references"/> is empty.</exception>
    public static double Score(string? prediction, params IReadOnlyList<string> references)
    {
        ReferenceGuard.NotEmpty(references);
        var predicted = TextTokens.NormalizedAnswer(prediction);
        return references.Any(reference => predicted.SequenceEqual(TextTokens.NormalizedAnswer(reference))) ? 1 : 0;
    }
}
