namespace Agents.Evaluation.Tests;

/// <summary>A hand-written language model over characters: BOS = 0, every character one token, every token equally likely out of <c>vocabulary</c>.</summary>
internal sealed class UniformTokenScorer(int contextSize, int vocabulary) : ITokenScorer
{
    public List<(int Length, int FirstScored)> Calls { get; } = [];

    public HashSet<int> ScoredPositions { get; } = [];

    public int ContextSize => contextSize;

    public IReadOnlyList<int> Tokenize(string text) => [0, .. text.Select(c => (int)c)];

    public Task<IReadOnlyList<double>> ScoreAsync(IReadOnlyList<int> tokens, int firstScored, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (tokens.Count > contextSize || firstScored < 1 || firstScored >= tokens.Count)
        {
            throw new ArgumentException($"bad window: {tokens.Count} tokens, first scored {firstScored}");
        }

        Calls.Add((tokens.Count, firstScored));
        return Task.FromResult<IReadOnlyList<double>>([.. Enumerable.Repeat(-Math.Log(vocabulary), tokens.Count - firstScored)]);
    }
}
