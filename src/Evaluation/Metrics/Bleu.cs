namespace Agents.Evaluation;

/// <summary>
/// BLEU (Papineni et al., 2002). For each order n, the modified precision pₙ = Σ clipped matches / Σ candidate n-grams,
/// where a candidate n-gram's count is clipped to its largest count in any one reference. Corpus BLEU sums matches and
/// totals over all segments before dividing; sentence BLEU is corpus BLEU of one segment, usually with smoothing.
/// Token comparison is exact (case-sensitive) over the tokens given; the string overloads use <see cref="TextTokens.Words"/>.
/// </summary>
public static class Bleu
{
    /// <summary>Scores one tokenized candidate against its tokenized references.</summary>
    /// <param name="candidate">The candidate tokens.</param>
    /// <param name="references">One or more reference token lists.</param>
    /// <param name="options">Order and smoothing; defaults when <see langword="null"/>.</param>
    /// <returns>The score and its parts.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No reference, or invalid options.</exception>
    public static BleuScore Sentence(IReadOnlyList<string> candidate, IReadOnlyList<IReadOnlyList<string>> references, BleuOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return Corpus([candidate], [references], options);
    }

    /// <summary>Scores one candidate text against reference texts, tokenized with <see cref="TextTokens.Words"/>.</summary>
    /// <param name="candidate">The candidate text.</param>
    /// <param name="references">One or more reference texts.</param>
    /// <param name="options">Order and smoothing; defaults when <see langword="null"/>.</param>
    /// <returns>The score and its parts.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No reference, or invalid options.</exception>
    public static BleuScore Sentence(string candidate, IReadOnlyList<string> references, BleuOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ReferenceGuard.NotEmpty(references);
        return Sentence(TextTokens.Words(candidate), [.. references.Select(TextTokens.Words)], options);
    }

    /// <summary>Scores a corpus: candidates[i] against references[i], statistics pooled before dividing.</summary>
    /// <param name="candidates">The candidate token lists.</param>
    /// <param name="references">For each candidate, one or more reference token lists.</param>
    /// <param name="options">Order and smoothing; defaults when <see langword="null"/>.</param>
    /// <returns>The score and its parts.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The lists differ in length, a candidate has no reference, or invalid options.</exception>
    public static BleuScore Corpus(
        IReadOnlyList<IReadOnlyList<string>> candidates, IReadOnlyList<IReadOnlyList<IReadOnlyList<string>>> references, BleuOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(references);
        options ??= new BleuOptions();
        options.Validate();
        if (candidates.Count != references.Count)
        {
            throw new ArgumentException($"{candidates.Count} candidates but {references.Count} reference sets.", nameof(references));
        }

        var order = options.MaxOrder;
        var matches = new long[order];
        var totals = new long[order];
        var candidateLength = 0;
        var referenceLength = 0;
        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i] ?? throw new ArgumentNullException(nameof(candidates), $"Candidate {i} is null.");
            var refs = references[i];
            ReferenceGuard.NotEmpty(refs, nameof(references));
            candidateLength += candidate.Count;
            referenceLength += ClosestLength(candidate.Count, refs);
            for (var n = 1; n <= order; n++)
            {
                var counts = NGrams.Count(candidate, n);
                var maxReference = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var reference in refs)
                {
                    foreach (var (gram, count) in NGrams.Count(reference, n))
                    {
                        maxReference[gram] = Math.Max(maxReference.GetValueOrDefault(gram), count);
                    }
                }

                matches[n - 1] += NGrams.OverlapCount(counts, maxReference);
                totals[n - 1] += NGrams.Total(candidate, n);
            }
        }

        var precisions = new double[order];
        for (var n = 0; n < order; n++)
        {
            precisions[n] = options.Smoothing switch
            {
                BleuSmoothing.AddOne when n > 0 => (matches[n] + 1.0) / (totals[n] + 1.0),
                BleuSmoothing.Epsilon when matches[n] == 0 && totals[n] > 0 => options.Epsilon / totals[n],
                _ => totals[n] == 0 ? 0 : (double)matches[n] / totals[n],
            };
        }

        var brevity = candidateLength == 0 ? 0 : candidateLength > referenceLength ? 1 : Math.Exp(1 - ((double)referenceLength / candidateLength));
        var score = precisions.Any(p => p <= 0) ? 0 : brevity * Math.Exp(precisions.Sum(Math.Log) / order);
        return new BleuScore(score, precisions, brevity, candidateLength, referenceLength);
    }

    private static int ClosestLength(int candidateLength, IReadOnlyList<IReadOnlyList<string>> references) =>
        references.Select(reference => reference.Count)
            .OrderBy(length => Math.Abs(length - candidateLength))
            .ThenBy(length => length)
            .First();
}
