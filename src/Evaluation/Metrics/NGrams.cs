namespace Agents.Evaluation;

/// <summary>N-gram counting shared by BLEU, ROUGE and token F1; an n-gram is its tokens joined by U+0001.</summary>
internal static class NGrams
{
    public static Dictionary<string, int> Count(IReadOnlyList<string> tokens, int n)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i + n <= tokens.Count; i++)
        {
            var key = n == 1 ? tokens[i] : string.Join('\u0001', tokens.Skip(i).Take(n));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        return counts;
    }

    /// <summary>The size of the multiset intersection: each n-gram counted min(left, right) times.</summary>
    public static int OverlapCount(Dictionary<string, int> left, Dictionary<string, int> right) =>
        left.Sum(pair => Math.Min(pair.Value, right.GetValueOrDefault(pair.Key)));

    public static int Total(IReadOnlyList<string> tokens, int n) => Math.Max(0, tokens.Count - n + 1);
}
