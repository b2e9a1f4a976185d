namespace Agents.Rag.Tests;

public sealed class CitationResolverTests
{
    private static readonly Citation[] Citations = Enumerable.Range(1, 4).Select(n => new Citation
    {
        Number = n,
        Source = $"doc{n}.md",
        Start = n * 100,
        End = (n * 100) + 50,
        Page = n == 2 ? 7 : null,
        HeadingPath = n == 3 ? "Setup > Linux" : null,
        ChunkId = $"id{n}",
        Text = $"text {n}",
    }).ToArray();

    [Fact]
    public void FindMentions_VariousMarkerForms_MapEachNumberToItsSource()
    {
        const string answer = "Install it [1]. It runs on Linux [2, 3] and [4][1]; see also [2-3] and [9].";

        var mentions = CitationResolver.FindMentions(answer, Citations);

        Assert.Equal([1, 2, 3, 4, 1, 2, 3, 9], mentions.Select(m => m.Number));
        Assert.Equal("doc1.md", mentions[0].Citation!.Source);
        Assert.Equal((200, 250, 7), (mentions[1].Citation!.Start, mentions[1].Citation!.End, mentions[1].Citation!.Page));
        Assert.Equal("Setup > Linux", mentions[2].Citation!.HeadingPath);
        Assert.Null(mentions[^1].Citation);
        Assert.Equal("[1]", answer.Substring(mentions[0].MarkerStart, mentions[0].MarkerLength));
        Assert.Equal("[2, 3]", answer.Substring(mentions[1].MarkerStart, mentions[1].MarkerLength));
    }

    [Fact]
    public void Cited_RepeatedMarkers_ListsEachSourceOnceInOrderOfFirstMention()
    {
        var cited = CitationResolver.Cited("B [3] then A [1] then B again [3] and bogus [42].", Citations);

        Assert.Equal([3, 1], cited.Select(c => c.Number));
    }

    [Theory]
    [InlineData("No markers here.")]
    [InlineData("An array index a[i] or a year [abc] is not a citation.")]
    public void Cited_NoMarkers_ReturnsEmpty(string answer) =>
        Assert.Empty(CitationResolver.Cited(answer, Citations));
}
