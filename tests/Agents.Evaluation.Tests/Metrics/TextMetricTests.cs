namespace Agents.Evaluation.Tests.Metrics;

public sealed class TextMetricTests
{
    [Fact]
    public void Words_PunctuationAndCase_SplitsOnNonAlphanumericsAndLowercases()
    {
        Assert.Equal(["the", "cat", "s", "toy", "2024"], TextTokens.Words("The cat's toy — 2024!"));
    }

    [Theory]
    [InlineData("The Paris.", "paris", 1)]
    [InlineData("an apple", "Apple", 1)]
    [InlineData("Paris, France", "Paris", 0)]
    [InlineData("", "", 1)]
    public void ExactMatch_SquadNormalization_MatchesHandComputed(string prediction, string reference, double expected)
    {
        Assert.Equal(expected, ExactMatch.Score(prediction, reference));
    }

    [Fact]
    public void ExactMatch_SeveralReferences_AnyMatchCounts()
    {
        Assert.Equal(1, ExactMatch.Score("blue", "red", "blue"));
    }

    [Fact]
    public void TokenF1_PartialOverlap_IsTwoThirds()
    {
        // prediction {eiffel, tower}, reference {eiffel, tower, in, paris}: P = 2/2, R = 2/4, F1 = 2·1·0.5/1.5 = 2/3.
        Assert.Equal(2.0 / 3, TokenF1.Score("The Eiffel Tower!", "Eiffel tower in Paris"), 12);
    }

    [Fact]
    public void TokenF1_RepeatedTokens_CountsMultisetIntersection()
    {
        // prediction [a1, a1, b], reference [a1, b, b]: common = min(2,1) + min(1,2) = 2; P = R = 2/3.
        var score = TokenF1.Score(["a1", "a1", "b"], ["a1", "b", "b"]);
        Assert.Equal(2.0 / 3, score.Precision, 12);
        Assert.Equal(2.0 / 3, score.Recall, 12);
        Assert.Equal(2.0 / 3, score.F1, 12);
    }

    [Fact]
    public void TokenF1_BestReference_Counts()
    {
        Assert.Equal(1, TokenF1.Score("yellow", "red", "yellow"));
    }

    [Fact]
    public void TokenF1_OneSideEmpty_IsZero()
    {
        Assert.Equal(0, TokenF1.Score("", "something"));
        Assert.Equal(1, TokenF1.Score("the", "a"));
    }

    [Fact]
    public void Metrics_NoReference_ThrowArgumentException()
    {
        Assert.Throws<ArgumentException>(() => ExactMatch.Score("x"));
        Assert.Throws<ArgumentException>(() => TokenF1.Score("x", Array.Empty<string>()));
        Assert.Throws<ArgumentException>(() => Rouge.BestF("x", [], "rougeL"));
    }
}
