namespace Agents.Rag.Tests;

public sealed class TextChunkerTests
{
    [Fact]
    public void Chunk_ParagraphsAndHeadings_CutsAtTheStrongestBoundary()
    {
        var paragraph = string.Join(' ', Enumerable.Repeat("word", 30)) + ".";
        var text = $"# One\n\n{paragraph}\n\n{paragraph}\n\n# Two\n\n{paragraph}\n";
        var document = new SourceDocument("a.md", text, [new(0, text.IndexOf("# Two", StringComparison.Ordinal), null, "One"), new(text.IndexOf("# Two", StringComparison.Ordinal), text.Length, null, "Two")]);

        var chunks = new TextChunker(new ChunkingOptions { MaxTokens = 80, OverlapTokens = 0 }).Chunk(document);

        Assert.Equal(2, chunks.Count);
        Assert.StartsWith("# Two", chunks[1].Text, StringComparison.Ordinal);
        Assert.Equal("One", chunks[0].HeadingPath);
        Assert.Equal("Two", chunks[1].HeadingPath);
    }

    [Fact]
    public void Chunk_LongSentences_PrefersSentenceEndOverWordBoundary()
    {
        var sentence = string.Join(' ', Enumerable.Repeat("alpha", 12)) + ". ";
        var text = string.Concat(Enumerable.Repeat(sentence, 5));

        var chunks = new TextChunker(new ChunkingOptions { MaxTokens = 30, OverlapTokens = 0 }).Chunk(new SourceDocument("s.txt", text));

        Assert.All(chunks.SkipLast(1), c => Assert.EndsWith(". ", c.Text, StringComparison.Ordinal));
    }

    [Fact]
    public void Chunk_PdfPages_CarriesPageNumberOfTheDominantPage()
    {
        var page1 = string.Join(' ', Enumerable.Repeat("first", 40));
        var page2 = string.Join(' ', Enumerable.Repeat("second", 40));
        var text = page1 + "\n\n" + page2;
        var document = new SourceDocument("p.pdf", text, [new(0, page1.Length, 1), new(page1.Length + 2, text.Length, 2)]);

        var chunks = new TextChunker(new ChunkingOptions { MaxTokens = 50, OverlapTokens = 5 }).Chunk(document);

        Assert.Equal(1, chunks[0].Page);
        Assert.Equal(2, chunks[^1].Page);
    }

    [Theory]
    [InlineData(8, 0)]
    [InlineData(64, 32)]
    [InlineData(64, -1)]
    public void Constructor_InvalidOptions_Throws(int max, int overlap) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TextChunker(new ChunkingOptions { MaxTokens = max, OverlapTokens = overlap }));

    [Fact]
    public void ComputeId_DifferentSource_DifferentId() =>
        Assert.NotEqual(TextChunker.ComputeId("a.txt", "same"), TextChunker.ComputeId("b.txt", "same"));

    [Theory]
    [InlineData("", 0)]
    [InlineData("   \n", 0)]
    [InlineData("hello world", 2)]
    [InlineData("internationalization", 3)]
    [InlineData("a, b.", 4)]
    public void TokenEstimate_Count_CountsWordPiecesAndPunctuation(string text, int expected) =>
        Assert.Equal(expected, TokenEstimate.Count(text));
}
