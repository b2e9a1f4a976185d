namespace Agents.Rag;

/// <summary>
/// Reciprocal rank fusion (Cormack et al., 2009): each list gives a passage 1 / (k + rank); the sums rank the union.
/// It needs no score calibration between BM25 and cosine similarity, which live on unrelated scales.
/// </summary>
internal static class ReciprocalRankFusion
{
    public static List<FusedCandidate> Fuse(IReadOnlyList<ScoredIndex> keyword, IReadOnlyList<ScoredIndex> vector, int k)
    {
        var fused = new Dictionary<int, FusedCandidate>();
        for (var i = 0; i < keyword.Count; i++)
        {
            var position = keyword[i].Position;
            fused[position] = new FusedCandidate(position, 1.0 / (k + i + 1), i + 1, null);
        }

        for (var i = 0; i < vector.Count; i++)
        {
            var position = vector[i].Position;
            var contribution = 1.0 / (k + i + 1);
            fused[position] = fused.TryGetValue(position, out var existing)
                ? existing with { Score = existing.Score + contribution, VectorRank = i + 1 }
                : new FusedCandidate(position, contribution, null, i + 1);
        }

        var list = fused.Values.ToList();
        list.Sort(static (a, b) =>
            a.Score != b.Score ? b.Score.CompareTo(a.Score)
            : (a.KeywordRank ?? int.MaxValue) != (b.KeywordRank ?? int.MaxValue) ? (a.KeywordRank ?? int.MaxValue).CompareTo(b.KeywordRank ?? int.MaxValue)
            : a.Position.CompareTo(b.Position));
        return list;
    }
}
