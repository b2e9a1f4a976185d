namespace Agents.Evaluation;

/// <summary>
/// Perplexity under a local model with a sliding window: PPL = exp(−(1/N) Σᵢ ln p(tᵢ | t₀…tᵢ₋₁)) over the N tokens
/// after BOS. A text that fits in one window is scored in one pass (so the stride does not matter); a longer text is
/// cut into windows of <see cref="PerplexityOptions.WindowSize"/> tokens moving by <see cref="PerplexityOptions.Stride"/>,
/// each scoring only its new tokens, given the overlap as context. A dataset's perplexity pools the log-likelihoods
/// of all its texts (token-weighted), not the mean of per-text perplexities.
/// </summary>
public sealed class PerplexityMetric
{
    private readonly ITokenScorer _scorer;
    private readonly int _window;
    private readonly int _stride;

    /// <summary>Creates the metric over a scorer.</summary>
    /// <param name="scorer">The model.</param>
    /// <param name="options">Window and stride; defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="scorer"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options do not fit the scorer's context.</exception>
    public PerplexityMetric(ITokenScorer scorer, PerplexityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        _scorer = scorer;
        (_window, _stride) = (options ?? new PerplexityOptions()).Resolve(scorer.ContextSize);
    }

    /// <summary>Computes the perplexity of one text.</summary>
    /// <param name="text">The text; it needs at least one token after BOS.</param>
    /// <param name="cancellationToken">Cancels the computation.</param>
    /// <returns>Perplexity, tokens and windows.</returns>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public Task<PerplexityReport> ComputeAsync(string text, CancellationToken cancellationToken = default) =>
        ComputeAsync([text], cancellationToken);

    /// <summary>Computes the pooled perplexity of several texts.</summary>
    /// <param name="texts">The texts; each needs at least one token after BOS.</param>
    /// <param name="cancellationToken">Cancels the computation.</param>
    /// <returns>Perplexity, tokens and windows summed over the texts.</returns>
    /// <exception cref="ArgumentException">No text, or an empty text.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task<PerplexityReport> ComputeAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            throw new ArgumentException("At least one text is needed.", nameof(texts));
        }

        double logLikelihood = 0;
        var tokens = 0;
        var windows = 0;
        foreach (var text in texts)
        {
            if (string.IsNullOrEmpty(text))
            {
                throw new ArgumentException("A text is empty; perplexity needs at least one token.", nameof(texts));
            }

            var ids = _scorer.Tokenize(text);
            if (ids.Count < 2)
            {
                throw new ArgumentException("A text has no token after BOS to score.", nameof(texts));
            }

            foreach (var (start, end, firstScored) in Windows(ids.Count, _window, _stride))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var slice = ids.Skip(start).Take(end - start).ToArray();
                var scores = await _scorer.ScoreAsync(slice, firstScored - start, cancellationToken).ConfigureAwait(false);
                logLikelihood += scores.Sum();
                tokens += scores.Count;
                windows++;
            }
        }

        return new PerplexityReport(Math.Exp(-logLikelihood / tokens), tokens, windows, logLikelihood);
    }

    /// <summary>
    /// The windows over <paramref name="count"/> tokens: [start, end) passed to the model, scoring [firstScored, end).
    /// Every token from 1 to count − 1 is scored exactly once.
    /// </summary>
    internal static IEnumerable<(int Start, int End, int FirstScored)> Windows(int count, int window, int stride)
    {
        var scoredUpTo = 1;
        for (var start = 0; ; start += stride)
        {
            var end = Math.Min(start + window, count);
            yield return (start, end, scoredUpTo);
            scoredUpTo = end;
            if (end == count)
            {
                yield break;
            }
        }
    }
}
