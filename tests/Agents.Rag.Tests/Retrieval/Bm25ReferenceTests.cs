namespace Agents.Rag.Tests;

/// <summary>
/// BM25 scores checked against the formula computed independently here (Robertson–Spärck Jones IDF with the +1
/// that keeps it positive, k1 = 1.2, b = 0.75), plus the term folding and the top-k heap the index relies on.
/// </summary>
public sealed class Bm25ReferenceTests
{
    private const double K1 = 1.2;
    private const double B = 0.75;

    private static readonly string[] Corpus =
    [
        "apple banana apple cherry",
        "banana cherry",
        "cherry cherry cherry date elder fig grape",
        "apple",
        "kiwi lemon mango",
    ];

    [Theory]
    [InlineData("apple")]
    [InlineData("cherry")]
    [InlineData("banana cherry")]
    [InlineData("apple apple date")]
    [InlineData("kiwi fig")]
    public void Search_Scores_MatchTheBm25Formula(string query)
    {
        var index = Bm25Index.Build(Corpus);

        var results = index.Search(query, Corpus.Length);

        var expected = Reference(Corpus, query);
        Assert.Equal(expected.Select(e => e.Position), results.Select(r => r.Position));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Score, results[i].Score, 1e-4);
        }
    }

    [Fact]
    public void Search_CustomK1AndB_ChangeTheScores()
    {
        var standard = Bm25Index.Build(Corpus).Search("cherry", 5);
        var flat = Bm25Index.Build(Corpus, k1: 1.2f, b: 0f).Search("cherry", 5);

        // With b = 0 a passage's length no longer scales its score.
        Assert.NotEqual(standard[0].Score, flat[0].Score);
        Assert.Equal(Reference(Corpus, "cherry", b: 0).Select(r => r.Score), flat.Select(r => (double)r.Score), new ToleranceComparer(1e-4));
    }

    [Fact]
    public void Build_CountsPassagesAndDistinctTerms()
    {
        var index = Bm25Index.Build(Corpus);

        Assert.Equal(5, index.Count);
        Assert.Equal(10, index.VocabularySize);
    }

    [Fact]
    public void Build_Empty_SearchesToNothing()
    {
        var index = Bm25Index.Build([]);

        Assert.Equal(0, index.Count);
        Assert.Empty(index.Search("anything", 3));
    }

    [Fact]
    public void Search_TermInManyPostings_SkipsCorrectlyWhenPruning()
    {
        // "common" is in every passage (weak bound), "rare" in a few far apart: the MaxScore loop must skip the common
        // term's long posting list to each rare candidate and still add its impact.
        // The rarer passages get shorter further on, so each later one beats the current top 3 and the skip is taken.
        var texts = Enumerable.Range(0, 200)
            .Select(i => i % 37 == 5 ? "common rare" + string.Concat(Enumerable.Repeat(" pad", 12 - (2 * (i / 37)))) : $"common filler{i} other")
            .ToArray();
        var index = Bm25Index.Build(texts);

        var top = index.Search("rare common", 3);

        var expected = Reference(texts, "rare common").Take(3).ToList();
        Assert.Equal(expected.Select(e => e.Position), top.Select(r => r.Position));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Score, top[i].Score, 1e-4);
        }
    }

    [Fact]
    public void Search_AllowedMaskWithPruning_ReturnsTheBestAllowed()
    {
        var texts = Enumerable.Range(0, 50).Select(i => i % 5 == 0 ? $"alpha beta gamma n{i}" : $"beta n{i} x y z").ToArray();
        var allowed = Enumerable.Range(0, 50).Select(i => i != 0 && i != 5).ToArray();
        var index = Bm25Index.Build(texts);

        var top = index.Search("alpha beta", 2, allowed);

        Assert.Equal([10, 15], top.Select(r => r.Position));
    }

    [Theory]
    [InlineData("queries", "query")]
    [InlineData("caches", "cache")]
    [InlineData("cars", "car")]
    [InlineData("bus", "bus")]
    [InlineData("glass", "glass")]
    [InlineData("status", "status")]
    [InlineData("gas", "gas")]
    [InlineData("toes", "toe")]
    [InlineData("trees", "tree")]
    [InlineData("aies", "aie")]
    [InlineData("eies", "eie")]
    [InlineData("Heroes", "heroe")]
    [InlineData("bees", "bee")]
    [InlineData("fleaes", "fleae")]
    [InlineData("boxes", "boxe")]
    public void Terms_Plurals_FoldedByTheSStemmer(string word, string expected)
    {
        Assert.Equal(expected, Assert.Single(Bm25Index.Terms(word)));
    }

    [Fact]
    public void Terms_StopWordsAndPunctuation_Dropped_LongRunsCut()
    {
        var longRun = new string('x', 60);

        var terms = Bm25Index.Terms($"The cat, and THE dog! {longRun}");

        Assert.Equal(["cat", "dog", new string('x', TermEnumerator.MaxTermLength)], terms.Order());
    }

    [Fact]
    public void TopKCollector_KeepsTheBestK_EarlierPositionWinningTies()
    {
        var top = new TopKCollector(3);
        Assert.Equal(float.NegativeInfinity, top.Threshold);
        Assert.False(top.IsFull);

        top.Add(0, 1f);
        top.Add(1, 5f);
        top.Add(2, 3f);
        Assert.True(top.IsFull);
        Assert.Equal(1f, top.Threshold);

        top.Add(3, 4f);
        top.Add(4, 0.5f);
        top.Add(5, 3f);
        top.Add(6, 9f);
        top.Add(7, 2f);

        Assert.Equal([new ScoredIndex(6, 9f), new ScoredIndex(1, 5f), new ScoredIndex(3, 4f)], top.ToSortedList());
        Assert.Equal(4f, top.Threshold);
    }

    [Fact]
    public void TopKCollector_ManyRandomScores_EqualsSortAndTake()
    {
        var random = new Random(17);
        var scores = Enumerable.Range(0, 500).Select(_ => (float)random.Next(0, 40)).ToArray();
        var top = new TopKCollector(25);

        for (var i = 0; i < scores.Length; i++)
        {
            top.Add(i, scores[i]);
        }

        var expected = scores.Select((s, i) => new ScoredIndex(i, s)).OrderByDescending(s => s.Score).ThenBy(s => s.Position).Take(25);
        Assert.Equal(expected, top.ToSortedList());
    }

    [Fact]
    public void TopKCollector_ZeroK_KeepsOne()
    {
        var top = new TopKCollector(0);
        top.Add(0, 1f);
        top.Add(1, 2f);

        Assert.Equal([new ScoredIndex(1, 2f)], top.ToSortedList());
    }

    private static List<(int Position, double Score)> Reference(IReadOnlyList<string> texts, string query, double k1 = K1, double b = B)
    {
        var docs = texts.Select(t => t.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.ToLowerInvariant()).ToArray()).ToArray();
        var average = docs.Length == 0 ? 1 : Math.Max(1, docs.Average(d => d.Length));
        var queryTerms = query.Split(' ').GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());
        var scores = new List<(int Position, double Score)>();
        for (var i = 0; i < docs.Length; i++)
        {
            var score = 0.0;
            var matched = false;
            foreach (var (term, weight) in queryTerms)
            {
                var tf = docs[i].Count(w => w == term);
                if (tf == 0)
                {
                    continue;
                }

                matched = true;
                var df = docs.Count(d => d.Contains(term));
                var idf = Math.Log(1 + ((docs.Length - df + 0.5) / (df + 0.5)));
                var norm = k1 * (1 - b + (b * docs[i].Length / average));
                score += weight * idf * tf * (k1 + 1) / (tf + norm);
            }

            if (matched)
            {
                scores.Add((i, score));
            }
        }

        return [.. scores.OrderByDescending(s => s.Score).ThenBy(s => s.Position)];
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
