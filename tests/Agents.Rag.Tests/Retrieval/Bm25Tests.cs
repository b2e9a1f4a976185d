using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Agents.Rag.Tests;

public sealed class Bm25Tests
{
    private static readonly (string Source, string Text)[] Documents =
    [
        ("bread.md", "To bake sourdough bread, feed the starter the night before, mix flour and water, then let the dough rise slowly."),
        ("coffee.md", "Espresso is brewed by forcing hot water through finely ground coffee beans at high pressure."),
        ("tea.md", "Green tea should steep in water below boiling for two minutes; black tea tolerates boiling water."),
        ("bikes.md", "Adjust the bicycle brakes by tightening the cable until the pads grip the rim firmly."),
        ("tyres.md", "Inflate bicycle tyres to the pressure printed on the sidewall, and check them weekly."),
        ("garden.md", "Tomatoes need full sun, deep watering twice a week and support from stakes as they grow."),
        ("compost.md", "A compost heap needs green and brown material, air and moisture to break down quickly."),
        ("python.md", "In Python, a list comprehension builds a new list from an iterable in a single expression."),
        ("sql.md", "An SQL index speeds up queries that filter or sort on the indexed columns, at a cost on writes."),
        ("git.md", "Use git rebase to replay your commits on top of another branch and keep history linear."),
    ];

    public static TheoryData<string, string> LabelledQueries => new()
    {
        { "How do I bake sourdough bread?", "bread.md" },
        { "What pressure should my bicycle tyres have?", "tyres.md" },
        { "how is espresso brewed", "coffee.md" },
        { "How long should green tea steep?", "tea.md" },
        { "fix bicycle brakes cable", "bikes.md" },
        { "What do tomatoes need to grow?", "garden.md" },
        { "What does a compost heap need?", "compost.md" },
        { "What is a list comprehension in Python?", "python.md" },
        { "Why does an index speed up SQL queries?", "sql.md" },
        { "How can I keep git history linear?", "git.md" },
    };

    [Theory]
    [MemberData(nameof(LabelledQueries))]
    public void Search_LabelledQuestion_RanksTheRelevantDocumentFirst(string question, string expected)
    {
        var index = Corpus.Index(Documents);

        var results = index.Keyword.Search(question, 3);

        Assert.Equal(expected, index[results[0].Position].Source);
    }

    [Fact]
    public void Search_OnlyStopWords_StillMatchesOnThem()
    {
        var index = Corpus.Index([("a", "to be or not to be"), ("b", "something else entirely")]);

        var results = index.Keyword.Search("to be", 5);

        Assert.Equal("a", index[Assert.Single(results).Position].Source);
    }

    [Fact]
    public void Search_PluralAndCase_MatchTheSingularTerm()
    {
        var index = Corpus.Index([("a", "One QUERY runs here."), ("b", "Nothing relevant.")]);

        Assert.Equal("a", index[Assert.Single(index.Keyword.Search("queries", 5)).Position].Source);
    }

    [Fact]
    public void Search_AllowedMask_ExcludesFilteredPositions()
    {
        var index = Corpus.Index(Documents);
        var allowed = Enumerable.Range(0, index.Count).Select(i => index[i].Source != "tyres.md").ToArray();

        var results = index.Keyword.Search("bicycle tyres pressure", 10, allowed);

        Assert.DoesNotContain(results, r => index[r.Position].Source == "tyres.md");
        Assert.NotEmpty(results);
    }

    [Property(MaxTest = 60)]
    public Property MaxScore_RandomCorpus_ReturnsTheSameTopKAsExhaustiveScoring()
    {
        var words = Enumerable.Range(0, 40).Select(i => "w" + (char)('a' + (i % 26)) + (char)('a' + (i / 26))).ToArray();
        var generator =
            from docs in Gen.ListOf(Gen.ListOf(Gen.Elements(words), 12).Select(ws => string.Join(' ', ws)), 60)
            from query in Gen.ListOf(Gen.Elements(words), 4).Select(ws => string.Join(' ', ws))
            from k in Gen.Choose(1, 8)
            select (docs, query, k);
        return Prop.ForAll(Arb.From(generator), input =>
        {
            var index = Corpus.Index(input.docs.Select((d, i) => ($"d{i}", d)));
            var pruned = index.Keyword.Search(input.query, input.k);
            var exhaustive = index.Keyword.Search(input.query, index.Count).Take(input.k).ToList();
            // Pruning sums term scores in another order, so scores may differ in the last bits and near-ties may swap.
            Assert.Equal(exhaustive.Count, pruned.Count);
            for (var i = 0; i < pruned.Count; i++)
            {
                Assert.Equal(exhaustive[i].Score, pruned[i].Score, 1e-4f);
                if (i + 1 < pruned.Count && exhaustive[i].Score - exhaustive[i + 1].Score > 1e-4f)
                {
                    Assert.Equal(exhaustive.Take(i + 1).Select(r => r.Position).Order(), pruned.Take(i + 1).Select(r => r.Position).Order());
                }
            }
        });
    }
}
