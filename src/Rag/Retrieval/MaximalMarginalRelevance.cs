namespace Agents.Rag;

/// <summary>
/// Maximal marginal relevance (Carbonell and Goldstein, 1998): picks, one at a time, the candidate that best
/// trades relevance against similarity to the passages already picked, so near-duplicates do not crowd the top.
/// </summary>
internal static class MaximalMarginalRelevance
{
    /// <summary>Picks up to <paramref name="k"/> candidates; returns their indexes in pick order.</summary>
    /// <param name="relevance">Each candidate's relevance score, candidates best first.</param>
    /// <param name="similarity">Similarity in [0, 1] between two candidates, by index.</param>
    /// <param name="k">How many to pick.</param>
    /// <param name="lambda">Weight of relevance against diversity, in [0, 1].</param>
    public static List<int> Select(IReadOnlyList<double> relevance, Func<int, int, double> similarity, int k, double lambda)
    {
        var count = relevance.Count;
        var max = count == 0 ? 1 : relevance.Max();
        var min = count == 0 ? 0 : relevance.Min();
        var range = max - min;
        var selected = new List<int>(Math.Min(k, count));
        var maxSimilarity = new double[count];
        var taken = new bool[count];
        while (selected.Count < Math.Min(k, count))
        {
            var best = -1;
            var bestValue = double.NegativeInfinity;
            for (var i = 0; i < count; i++)
            {
                if (taken[i])
                {
                    continue;
                }

                var normalizedRelevance = range > 0 ? (relevance[i] - min) / range : 1.0;
                var value = (lambda * normalizedRelevance) - ((1 - lambda) * maxSimilarity[i]);
                if (value > bestValue)
                {
                    best = i;
                    bestValue = value;
                }
            }

            taken[best] = true;
            selected.Add(best);
            for (var i = 0; i < count; i++)
            {
                if (!taken[i])
                {
                    maxSimilarity[i] = Math.Max(maxSimilarity[i], similarity(i, best));
                }
            }
        }

        return selected;
    }
}
