namespace Agents.Backends.Llama;

/// <summary>How well a model predicts a text: the log-likelihood of each of its tokens given the ones before.</summary>
/// <param name="TokenCount">The number of scored tokens (every token of the text after the first, which has no context but BOS).</param>
/// <param name="LogLikelihood">The sum of the scored tokens' natural-log probabilities (≤ 0).</param>
/// <param name="TokenLogProbabilities">Each scored token's natural-log probability, in text order.</param>
public sealed record PerplexityResult(int TokenCount, double LogLikelihood, IReadOnlyList<double> TokenLogProbabilities)
{
    /// <summary>Gets the perplexity, exp(−log-likelihood / token count): 1 is a perfect prediction, the vocabulary size a uniform guess.</summary>
    public double Perplexity => TokenCount == 0 ? double.NaN : Math.Exp(-LogLikelihood / TokenCount);

    /// <summary>Gets the mean natural-log probability per scored token.</summary>
    public double MeanLogProbability => TokenCount == 0 ? double.NaN : LogLikelihood / TokenCount;
}
