namespace Agents;

/// <summary>A generated token with its log-probability under the model.</summary>
/// <param name="Token">The token's text.</param>
/// <param name="LogProbability">The natural-log probability the model gave the token.</param>
/// <param name="TokenId">The token's id in the model's vocabulary, when the backend knows it.</param>
public sealed record TokenLogProbability(string Token, double LogProbability, int? TokenId = null);
