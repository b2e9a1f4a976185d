namespace Agents.Evaluation.Tests.Metrics;

public sealed class SimilarityTests
{
    [Fact]
    public void BertScore_HandComputedVectors_MatchesGreedyMatching()
    {
        // x = {(1,0), (0,1)}, y = {(1,0)}: P = (1 + 0)/2, R = 1/1, F1 = 2·0.5·1/1.5.
        var score = SemanticSimilarity.BertScore([new float[] { 1, 0 }, new float[] { 0, 1 }], [new float[] { 1, 0 }]);

        Assert.Equal(0.5, score.Precision, 6);
        Assert.Equal(1, score.Recall, 6);
        Assert.Equal(2.0 / 3, score.F1, 6);
    }

    [Fact]
    public async Task ScoreAsync_EmbedderWithTokenVectors_UsesBertScore()
    {
        var embedder = new TableEmbedder(
            new Dictionary<string, float[]>(),
            new Dictionary<string, float[]> { ["big"] = [1, 0], ["dog"] = [0, 1], ["large"] = [0.8f, 0.6f] });
        var similarity = new SemanticSimilarity(embedder);

        var score = await similarity.ScoreAsync("big dog", "large dog");

        // cos(big, large) = 0.8, cos(dog, large) = 0.6: P = (0.8 + 1)/2, R = (0.8 + 1)/2.
        Assert.Equal(SimilarityMethod.TokenMatching, score.Method);
        Assert.Equal(0.9, score.Precision, 5);
        Assert.Equal(0.9, score.Recall, 5);
        Assert.Equal(0, embedder.Calls);
    }

    [Fact]
    public async Task ScoreAsync_SentenceEmbedderOnly_UsesCosine()
    {
        var embedder = new TableEmbedder(new Dictionary<string, float[]> { ["a"] = [3, 4], ["b"] = [4, 3] });
        var similarity = new SemanticSimilarity(embedder);

        var score = await similarity.ScoreAsync("a", "b");

        // (12 + 12) / (5 · 5).
        Assert.Equal(SimilarityMethod.SentenceCosine, score.Method);
        Assert.Equal(0.96, score.F1, 5);
        Assert.Equal(1, embedder.Calls);
    }

    [Fact]
    public void Cosine_ZeroVector_IsZeroAndLengthMismatchThrows()
    {
        Assert.Equal(0, SemanticSimilarity.Cosine(new float[] { 0, 0 }, new float[] { 1, 0 }));
        Assert.Throws<ArgumentException>(() => SemanticSimilarity.Cosine(new float[] { 1 }, new float[] { 1, 0 }));
    }
}
