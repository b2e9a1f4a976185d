namespace Agents.Evaluation;

/// <summary>
/// Retrieval quality over queries, each with a ranked list of retrieved ids and a set of relevant ids.
/// Hit rate@k = share of queries with a relevant id among the first k retrieved.
/// MRR = mean over queries of 1 / rank of the first relevant id (0 when none is retrieved, or none within k when k is given).
/// </summary>
public static class RetrievalMetrics
{
    /// <summary>Computes hit rate@k.</summary>
    /// <param name="queries">Each query's ranked retrieved ids and its relevant ids.</param>
    /// <param name="k">How many of the first retrieved ids count.</param>
    /// <returns>The hit rate in [0, 1]; NaN with no query.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="queries"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1.</exception>
    public static double HitRate(IReadOnlyList<RetrievalJudgement> queries, int k)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return queries.Count == 0 ? double.NaN : queries.Average(query => FirstRelevantRank(query) is { } rank && rank <= k ? 1.0 : 0.0);
    }

    /// <summary>Computes the mean reciprocal rank.</summary>
    /// <param name="queries">Each query's ranked retrieved ids and its relevant ids.</param>
    /// <param name="k">When given, a first relevant id below rank k counts 0 (MRR@k).</param>
    /// <returns>MRR in [0, 1]; NaN with no query.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="queries"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1.</exception>
    public static double MeanReciprocalRank(IReadOnlyList<RetrievalJudgement> queries, int? k = null)
    {
        ArgumentNullException.ThrowIfNull(queries);
        if (k is { } limit)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1, nameof(k));
        }

        return queries.Count == 0 ? double.NaN : queries.Average(query =>
            FirstRelevantRank(query) is { } rank && rank <= (k ?? int.MaxValue) ? 1.0 / rank : 0.0);
    }

    private static int? FirstRelevantRank(RetrievalJudgement query)
    {
        ArgumentNullException.ThrowIfNull(query);
        for (var i = 0; i < query.Retrieved.Count; i++)
        {
            if (query.Relevant.Contains(query.Retrieved[i]))
            {
                return i + 1;
            }
        }

        return null;
    }
}
