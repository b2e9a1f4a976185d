namespace Agents.Evaluation;

/// <summary>
/// Token F1 (SQuAD): with <c>common</c> the multiset intersection of the normalized prediction and reference tokens,
/// precision = |common| / |prediction|, recall = |common| / |reference|, F1 = 2PR / (P + R); the best reference counts.
/// Two empty answers score 1; one empty answer scores 0.
/// </summary>
public static class TokenF1
{
    /// <summary>Scores <paramref name="prediction"/> against one or more references.</summary>
    /// <param name="prediction">The generated answer.</param>
    /// <param name="references">Acceptable answers; the best F1 counts.</param>
    /// <returns>F1 in [0, 1].</returns>
    /// <exception cref="ArgumentNullException"><paramref name="references"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="references"/> is empty.</exception>
    public static double Score(string? prediction, params IReadOnlyList<string> references)
    {
        ReferenceGuard.NotEmpty(references);
        var predicted = TextTokens.NormalizedAnswer(prediction);
        return references.Max(reference => Score(predicted, TextTokens.NormalizedAnswer(reference)).F1);
    }

    /// <summary>Computes precision, recall and F1 of two token sequences.</summary>
    /// <param name="predicted">The predicted tokens.</param>
    /// <param name="reference">The reference tokens.</param>
    /// <returns>The three figures.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static PrecisionRecall Score(IReadOnlyList<string> predicted, IReadOnlyList<string> reference)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(reference);
        if (predicted.Count == 0 || reference.Count == 0)
        {
            var same = predicted.Count == reference.Count ? 1 : 0;
            return new PrecisionRecall(same, same);
        }

        var common = NGrams.OverlapCount(NGrams.Count(predicted, 1), NGrams.Count(reference, 1));
        return new PrecisionRecall((double)common / predicted.Count, (double)common / reference.Count);
    }
}
