namespace Agents.Evaluation;

/// <summary>The perplexity of a text or a dataset.</summary>
/// <param name="Perplexity">exp(−(Σ ln p(tᵢ | context)) / tokens): 1 is a perfect prediction, the vocabulary size a uniform guess.</param>
/// <param name="Tokens">The number of scored tokens (every token after the leading BOS).</param>
/// <param name="Windows">The number of model passes (windows) used.</param>
/// <param name="LogLikelihood">The summed natural-log probability of the scored tokens.</param>
public sealed record PerplexityReport(double Perplexity, int Tokens, int Windows, double LogLikelihood);
