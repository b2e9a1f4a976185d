namespace Agents.Evaluation;

/// <summary>
/// ROUGE (Lin, 2004) over <see cref="TextTokens.Words"/> tokens, as the reference rouge-score scorer computes it without
/// stemming. ROUGE-N: with <c>overlap</c> the clipped count of shared n-grams, P = overlap / candidate n-grams,
/// R = overlap / reference n-grams. ROUGE-L: with <c>lcs</c> the length of the longest common subsequence,
/// P = lcs / |candidate|, R = lcs / |reference|. F = 2PR / (P + R). With several references the best F counts.
/// </summary>
public static class Rouge
{
    /// <summary>ROUGE-N of a candidate against a reference.</summary>
    /// <param name="candidate">The generated text.</param>
    /// <param name="reference">The reference text.</param>
    /// <param name="n">The n-gram order (1 for ROUGE-1, 2 for ROUGE-2).</param>
    /// <returns>Precision, recall and F.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is below 1.</exception>
    public static PrecisionRecall N(string? candidate, string? reference, int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        return N(TextTokens.Words(candidate), TextTokens.Words(reference), n);
    }

    /// <summary>ROUGE-N of tokenized texts.</summary>
    /// <param name="candidate">The candidate tokens.</param>
    /// <param name="reference">The reference tokens.</param>
    /// <param name="n">The n-gram order.</param>
    /// <returns>Precision, recall and F.</returns>
    /// <exception cref="ArgumentNullException">A token list is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is below 1.</exception>
    public static PrecisionRecall N(IReadOnlyList<string> candidate, IReadOnlyList<string> reference, int n)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var candidateTotal = NGrams.Total(candidate, n);
        var referenceTotal = NGrams.Total(reference, n);
        var overlap = NGrams.OverlapCount(NGrams.Count(candidate, n), NGrams.Count(reference, n));
        return new PrecisionRecall(
            candidateTotal == 0 ? 0 : (double)overlap / candidateTotal,
            referenceTotal == 0 ? 0 : (double)overlap / referenceTotal);
    }

    /// <summary>ROUGE-L of a candidate against a reference.</summary>
    /// <param name="candidate">The generated text.</param>
    /// <param name="reference">The reference text.</param>
    /// <returns>Precision, recall and F.</returns>
    public static PrecisionRecall L(string? candidate, string? reference) => L(TextTokens.Words(candidate), TextTokens.Words(reference));

    /// <summary>ROUGE-L of tokenized texts.</summary>
    /// <param name="candidate">The candidate tokens.</param>
    /// <param name="reference">The reference tokens.</param>
    /// <returns>Precision, recall and F.</returns>
    /// <exception cref="ArgumentNullException">A token list is <see langword="null"/>.</exception>
    public static PrecisionRecall L(IReadOnlyList<string> candidate, IReadOnlyList<string> reference)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(reference);
        if (candidate.Count == 0 || reference.Count == 0)
        {
            return new PrecisionRecall(0, 0);
        }

        var lcs = LongestCommonSubsequence(candidate, reference);
        return new PrecisionRecall((double)lcs / candidate.Count, (double)lcs / reference.Count);
    }

    /// <summary>The best ROUGE F of a candidate over several references.</summary>
    /// <param name="candidate">The generated text.</param>
    /// <param name="references">The references.</param>
    /// <param name="variant">"rouge1", "rouge2" or "rougeL".</param>
    /// <returns>The highest F over the references.</returns>
    /// <exception cref="ArgumentException">No reference, or an unknown variant.</exception>
    public static double BestF(string? candidate, IReadOnlyList<string> references, string variant)
    {
        ReferenceGuard.NotEmpty(references);
        var tokens = TextTokens.Words(candidate);
        return references.Max(reference => variant switch
        {
            "rouge1" => N(tokens, TextTokens.Words(reference), 1).F1,
            "rouge2" => N(tokens, TextTokens.Words(reference), 2).F1,
            "rougeL" => L(tokens, TextTokens.Words(reference)).F1,
            _ => throw new ArgumentException($"Unknown ROUGE variant '{variant}'; use rouge1, rouge2 or rougeL.", nameof(variant)),
        });
    }

    // O(|a|·|b|) time, O(|b|) memory.
    internal static int LongestCommonSubsequence(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var previous = new int[b.Count + 1];
        var current = new int[b.Count + 1];
        for (var i = 1; i <= a.Count; i++)
        {
            for (var j = 1; j <= b.Count; j++)
            {
                current[j] = string.Equals(a[i - 1], b[j - 1], StringComparison.Ordinal)
                    ? previous[j - 1] + 1
                    : Math.Max(previous[j], current[j - 1]);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Count];
    }
}
