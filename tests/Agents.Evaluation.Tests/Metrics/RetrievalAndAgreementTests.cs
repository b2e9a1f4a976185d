namespace Agents.Evaluation.Tests.Metrics;

public sealed class RetrievalAndAgreementTests
{
    private static readonly RetrievalJudgement[] s_queries =
    [
        new(["a", "b", "c"], new HashSet<string> { "b" }),
        new(["x", "y"], new HashSet<string> { "z" }),
        new(["d"], new HashSet<string> { "d" }),
    ];

    [Theory]
    [InlineData(1, 1.0 / 3)]
    [InlineData(2, 2.0 / 3)]
    [InlineData(10, 2.0 / 3)]
    public void HitRate_AtK_MatchesHandComputed(int k, double expected)
    {
        Assert.Equal(expected, RetrievalMetrics.HitRate(s_queries, k), 12);
    }

    [Fact]
    public void MeanReciprocalRank_MatchesHandComputed()
    {
        // (1/2 + 0 + 1/1) / 3.
        Assert.Equal(0.5, RetrievalMetrics.MeanReciprocalRank(s_queries), 12);
        Assert.Equal(1.0 / 3, RetrievalMetrics.MeanReciprocalRank(s_queries, k: 1), 12);
    }

    [Fact]
    public void Retrieval_NoQueries_IsNaN()
    {
        Assert.True(double.IsNaN(RetrievalMetrics.HitRate([], 3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => RetrievalMetrics.HitRate(s_queries, 0));
    }

    [Fact]
    public void CohensKappa_WikipediaExample_Is0_4()
    {
        // 50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15: pₒ = 0.7, pₑ = 0.5·0.6 + 0.5·0.4 = 0.5, κ = 0.4.
        var first = new List<string>();
        var second = new List<string>();
        void Add(string a, string b, int n)
        {
            first.AddRange(Enumerable.Repeat(a, n));
            second.AddRange(Enumerable.Repeat(b, n));
        }

        Add("yes", "yes", 20);
        Add("yes", "no", 5);
        Add("no", "yes", 10);
        Add("no", "no", 15);

        Assert.Equal(0.4, CohensKappa.Compute(first, second), 12);
    }

    [Fact]
    public void CohensKappa_PerfectAndOpposite_AreOneAndMinusOne()
    {
        Assert.Equal(1, CohensKappa.Compute([1, 2, 1, 2], [1, 2, 1, 2]), 12);
        Assert.Equal(-1, CohensKappa.Compute([1, 2, 1, 2], [2, 1, 2, 1]), 12);
        Assert.Equal(1, CohensKappa.Compute([3, 3], [3, 3]));
    }

    [Fact]
    public void CohensKappa_DifferentLengths_Throws()
    {
        Assert.Throws<ArgumentException>(() => CohensKappa.Compute([1], [1, 2]));
    }
}
