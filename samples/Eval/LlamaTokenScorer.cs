using Agents.Backends.Llama;
using Agents.Evaluation;

namespace Agents.Samples.Eval;

/// <summary>The adapter from the local backend's <see cref="LlamaEvaluator"/> to <see cref="ITokenScorer"/>, so Agents.Evaluation stays free of LLamaSharp.</summary>
public sealed class LlamaTokenScorer(LlamaEvaluator evaluator) : ITokenScorer
{
    /// <inheritdoc />
    public int ContextSize => evaluator.ContextSize;

    /// <inheritdoc />
    public IReadOnlyList<int> Tokenize(string text) => evaluator.Tokenize(text);

    /// <inheritdoc />
    public async Task<IReadOnlyList<double>> ScoreAsync(IReadOnlyList<int> tokens, int firstScored, CancellationToken cancellationToken = default) =>
        (await evaluator.ScoreTokensAsync(tokens, firstScored, cancellationToken)).TokenLogProbabilities;
}
