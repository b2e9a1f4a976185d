namespace Agents.Evaluation;

/// <summary>
/// A language model that scores tokens: the seam between <see cref="PerplexityMetric"/> and a backend that exposes
/// per-token log-likelihoods (the local backend's <c>LlamaEvaluator</c>; the Eval sample has the adapter).
/// </summary>
public interface ITokenScorer
{
    /// <summary>Gets the longest token sequence one <see cref="ScoreAsync"/> call accepts.</summary>
    int ContextSize { get; }

    /// <summary>Tokenizes a text, with the model's beginning-of-sequence token first.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The token ids.</returns>
    IReadOnlyList<int> Tokenize(string text);

    /// <summary>Scores <paramref name="tokens"/>[<paramref name="firstScored"/>..], each given every token before it in the list.</summary>
    /// <param name="tokens">At most <see cref="ContextSize"/> tokens.</param>
    /// <param name="firstScored">The index of the first scored token (at least 1).</param>
    /// <param name="cancellationToken">Cancels the scoring.</param>
    /// <returns>The natural-log probability of each scored token, in order.</returns>
    Task<IReadOnlyList<double>> ScoreAsync(IReadOnlyList<int> tokens, int firstScored, CancellationToken cancellationToken = default);
}
