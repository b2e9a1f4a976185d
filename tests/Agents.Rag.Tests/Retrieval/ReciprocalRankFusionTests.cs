namespace Agents.Rag.Tests;

public sealed class ReciprocalRankFusionTests
{
    private static ScoredIndex[] Ranked(params int[] positions) => [.. positions.Select((p, i) => new ScoredIndex(p, 100f - i))];

    [Fact]
    public void Fuse_BothListsEmpty_Empty() => Assert.Empty(ReciprocalRankFusion.Fuse([], [], 60));

    [Fact]
    public void Fuse_KeywordOnly_ScoresAreOneOverKPlusRank()
    {
        var fused = ReciprocalRankFusion.Fuse(Ranked(7, 3), [], 60);

        Assert.Equal([7, 3], fused.Select(f => f.Position));
        Assert.Equal(1.0 / 61, fused[0].Score, 12);
        Assert.Equal(1.0 / 62, fused[1].Score, 12);
        Assert.Equal((int?)1, fused[0].KeywordRank);
        Assert.Equal((int?)2, fused[1].KeywordRank);
        Assert.All(fused, f => Assert.Null(f.VectorRank));
    }

    [Fact]
    public void Fuse_VectorOnly_ScoresAreOneOverKPlusRank()
    {
        var fused = ReciprocalRankFusion.Fuse([], Ranked(4, 9), 10);

        Assert.Equal([4, 9], fused.Select(f => f.Position));
        Assert.Equal(1.0 / 11, fused[0].Score, 12);
        Assert.Equal(1.0 / 12, fused[1].Score, 12);
        Assert.Equal((int?)2, fused[1].VectorRank);
        Assert.All(fused, f => Assert.Null(f.KeywordRank));
    }

    [Fact]
    public void Fuse_InBothLists_ContributionsAddAndBothRanksKept()
    {
        var fused = ReciprocalRankFusion.Fuse(Ranked(1, 2), Ranked(2, 3), 60);

        var both = fused.Single(f => f.Position == 2);
        Assert.Equal((1.0 / 62) + (1.0 / 61), both.Score, 12);
        Assert.Equal((int?)2, both.KeywordRank);
        Assert.Equal((int?)1, both.VectorRank);
        Assert.Equal(2, fused[0].Position);
        Assert.Equal(3, fused.Count);
    }

    [Fact]
    public void Fuse_EqualScores_TheKeywordRankedCandidateFirst()
    {
        // 5 is first by keyword, 8 first by vector: equal scores, the keyword-ranked one wins.
        var fused = ReciprocalRankFusion.Fuse(Ranked(5), Ranked(8), 60);

        Assert.Equal([5, 8], fused.Select(f => f.Position));
        Assert.Equal(fused[0].Score, fused[1].Score, 12);
    }

    [Fact]
    public void Fuse_TwoKeywordRankedCandidatesWithEqualScores_LowerKeywordRankFirst()
    {
        // a: keyword 1 + vector 2; b: keyword 2 + vector 1 — the same sum.
        var fused = ReciprocalRankFusion.Fuse(Ranked(10, 20), Ranked(20, 10), 60);

        Assert.Equal(fused[0].Score, fused[1].Score, 12);
        Assert.Equal([10, 20], fused.Select(f => f.Position));
    }

    [Fact]
    public void Fuse_SmallerK_WeighsTopRanksMore()
    {
        var smallK = ReciprocalRankFusion.Fuse(Ranked(1, 2, 3), [], 1);

        Assert.Equal(1.0 / 2, smallK[0].Score, 12);
        Assert.Equal(1.0 / 4, smallK[2].Score, 12);
    }
}
