namespace Agents.Evaluation.Tests.Metrics;

public sealed class RougeTests
{
    // The example of the rouge-score package's README: target first, prediction second.
    private const string Target = "The quick brown fox jumps over the lazy dog";
    private const string Prediction = "The quick brown dog jumps on the log.";

    [Fact]
    public void Rouge1_PublishedExample_MatchesRougeScore()
    {
        var score = Rouge.N(Prediction, Target, 1);

        Assert.Equal(0.75, score.Precision, 12);
        Assert.Equal(0.6666666666666666, score.Recall, 12);
        Assert.Equal(0.7058823529411765, score.F1, 12);
    }

    [Fact]
    public void RougeL_PublishedExample_MatchesRougeScore()
    {
        var score = Rouge.L(Prediction, Target);

        Assert.Equal(0.625, score.Precision, 12);
        Assert.Equal(0.5555555555555556, score.Recall, 12);
        Assert.Equal(0.5882352941176471, score.F1, 12);
    }

    [Fact]
    public void Rouge2_PublishedExample_MatchesHandComputed()
    {
        // Shared bigrams: "the quick", "quick brown"; 7 candidate and 8 reference bigrams.
        var score = Rouge.N(Prediction, Target, 2);

        Assert.Equal(2.0 / 7, score.Precision, 12);
        Assert.Equal(2.0 / 8, score.Recall, 12);
    }

    [Fact]
    public void LongestCommonSubsequence_NonContiguous_IsCounted()
    {
        Assert.Equal(3, Rouge.LongestCommonSubsequence(["a", "x", "b", "y", "c"], ["a", "b", "c"]));
        Assert.Equal(0, Rouge.LongestCommonSubsequence(["a"], ["b"]));
    }

    [Fact]
    public void BestF_SeveralReferences_TakesTheBest()
    {
        Assert.Equal(1, Rouge.BestF("red apple", ["green pear", "red apple"], "rougeL"));
        Assert.Equal(1, Rouge.BestF("red apple", ["green pear", "red apple"], "rouge2"));
    }

    [Fact]
    public void BestF_UnknownVariant_Throws()
    {
        Assert.Throws<ArgumentException>(() => Rouge.BestF("a", ["a"], "rougeX"));
    }

    [Fact]
    public void Rouge_EmptyCandidate_IsZero()
    {
        Assert.Equal(0, Rouge.L("", Target).F1);
        Assert.Equal(0, Rouge.N("", Target, 1).F1);
    }
}
