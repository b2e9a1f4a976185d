using System.Security.Cryptography;
using System.Text;

namespace Agents.Rag.Tests;

/// <summary>
/// The chunker's exact cut positions at its boundaries: the half-window rule, boundary ranks, overlap, duplicate
/// ids, tokenizers that disagree with the per-unit counts, and the option and estimate limits.
/// </summary>
public sealed class TextChunkerBoundaryTests
{
    private static string Words(string prefix, int count, int from = 1) =>
        string.Concat(Enumerable.Range(from, count).Select(i => $"{prefix}{i} "));

    private static IReadOnlyList<TextChunk> Chunk(string text, int max = 16, int overlap = 0, ITokenizer? tokenizer = null) =>
        new TextChunker(new ChunkingOptions { MaxTokens = max, OverlapTokens = overlap, Tokenizer = tokenizer }).Chunk(new SourceDocument("doc.txt", text));

    [Fact]
    public void Chunk_WordsOnly_CutsAtTheFullWindow()
    {
        var text = Words("w", 20);

        var chunks = Chunk(text);

        Assert.Equal([Words("w", 16), Words("w", 4, 17)], chunks.Select(c => c.Text));
        Assert.Equal([16, 4], chunks.Select(c => c.TokenCount));
        Assert.Equal([0, 1], chunks.Select(c => c.Index));
        Assert.Equal(0, chunks[0].Start);
        Assert.Equal(chunks[0].End, chunks[1].Start);
        Assert.Equal(text.Length, chunks[1].End);
    }

    [Fact]
    public void Chunk_Overlap_RepeatsExactlyThatManyTokens()
    {
        var text = Words("w", 20);

        var chunks = Chunk(text, overlap: 4);

        Assert.Equal([Words("w", 16), Words("w", 8, 13)], chunks.Select(c => c.Text));
    }

    [Fact]
    public void Chunk_ParagraphAtHalfTheWindow_IsTheCut()
    {
        var text = Words("a", 7) + "a8\n\n" + Words("b", 20);

        var chunks = Chunk(text);

        Assert.Equal(Words("a", 7) + "a8\n\n", chunks[0].Text);
        Assert.Equal(8, chunks[0].TokenCount);
    }

    [Fact]
    public void Chunk_ParagraphBeforeHalfTheWindow_IsIgnored()
    {
        var text = Words("a", 6) + "a7\n\n" + Words("b", 20);

        var chunks = Chunk(text);

        Assert.Equal(16, chunks[0].TokenCount);
    }

    [Fact]
    public void Chunk_OverlapLargerThanHalfTheWindowRule_MovesTheEarliestCut()
    {
        // max 16, overlap 5: a cut must leave at least 10 tokens, so the paragraph after 8 is not taken.
        var text = Words("a", 7) + "a8\n\n" + Words("b", 20);

        var chunks = Chunk(text, overlap: 5);

        Assert.Equal(16, chunks[0].TokenCount);
    }

    [Theory]
    [InlineData(".", true)]
    [InlineData("!", true)]
    [InlineData("?", true)]
    [InlineData(",", false)]
    [InlineData(";", false)]
    public void Chunk_SentenceEndingPunctuation_IsPreferredOverAWord(string mark, bool cutThere)
    {
        var text = Words("w", 9) + "w10" + mark + " " + Words("x", 20);

        var first = Chunk(text)[0];

        if (cutThere)
        {
            Assert.Equal(Words("w", 9) + "w10" + mark + " ", first.Text);
        }
        else
        {
            Assert.Equal(16, first.TokenCount);
        }
    }

    [Fact]
    public void Chunk_PunctuationGluedToTheNextWord_IsNoSentenceEnd()
    {
        var text = Words("w", 9) + "w10.x1 " + Words("x", 20, 2);

        Assert.Equal(16, Chunk(text)[0].TokenCount);
    }

    [Fact]
    public void Chunk_SingleLineBreak_IsASentenceBoundary_ButAParagraphBeatsIt()
    {
        var single = Words("w", 9) + "w10\n" + Words("x", 20);
        Assert.Equal(Words("w", 9) + "w10\n", Chunk(single)[0].Text);

        var both = Words("w", 8) + "w9\n\n" + Words("v", 2) + "v3\n" + Words("x", 20);
        Assert.Equal(Words("w", 8) + "w9\n\n", Chunk(both)[0].Text);
    }

    [Fact]
    public void Chunk_SectionStart_BeatsAParagraphAfterIt()
    {
        var head = Words("a", 8);
        var text = head + Words("b", 2) + "b3\n\n" + Words("c", 20);
        var document = new SourceDocument("doc.md", text, [new(0, head.Length, null, "A"), new(head.Length, text.Length, null, "B")]);

        var chunks = new TextChunker(new ChunkingOptions { MaxTokens = 16, OverlapTokens = 0 }).Chunk(document);

        Assert.Equal(head, chunks[0].Text);
        Assert.Equal("A", chunks[0].HeadingPath);
        Assert.Equal("B", chunks[1].HeadingPath);
    }

    [Fact]
    public void Chunk_ChunkSpanningTwoSections_TakesTheOneCoveringMore()
    {
        var text = Words("a", 6) + Words("b", 10);
        var split = Words("a", 6).Length;
        var document = new SourceDocument("doc.pdf", text, [new(0, split, 1), new(split, text.Length, 2)]);

        var chunks = new TextChunker(new ChunkingOptions { MaxTokens = 16, OverlapTokens = 0 }).Chunk(document);

        Assert.Equal(2, Assert.Single(chunks).Page);
    }

    [Fact]
    public void Chunk_IdenticalChunks_GetDistinctIdsNumberedByOccurrence()
    {
        var paragraph = Words("x", 15) + "x16\n\n";
        var text = paragraph + paragraph + paragraph;

        var chunks = Chunk(text);

        Assert.Equal(3, chunks.Count);
        Assert.All(chunks, c => Assert.Equal(paragraph, c.Text));
        Assert.Equal(
            [TextChunker.ComputeId("doc.txt", paragraph), TextChunker.ComputeId("doc.txt", paragraph, 1), TextChunker.ComputeId("doc.txt", paragraph, 2)],
            chunks.Select(c => c.Id));
        Assert.Equal(3, chunks.Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public void ComputeId_IsTheFirst128BitsOfSha256_InLowerHex()
    {
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("src\0some text"))[..16]);
        var second = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("src\0some text\u00002"))[..16]);

        Assert.Equal(expected, TextChunker.ComputeId("src", "some text"));
        Assert.Equal(expected, TextChunker.ComputeId("src", "some text", 0));
        Assert.Equal(second, TextChunker.ComputeId("src", "some text", 2));
    }

    [Fact]
    public void Chunk_TokenizerCountingTheWholeAboveItsParts_ShrinksTheChunkToFit()
    {
        var tokenizer = new SquareTokenizer();
        var text = Words("a", 30);

        var chunks = Chunk(text, tokenizer: tokenizer);

        Assert.Equal("a1 a2 a3 ", chunks[0].Text);
        Assert.Equal(10, chunks[0].TokenCount);
        Assert.All(chunks, c => Assert.Equal(tokenizer.CountTokens(c.Text), c.TokenCount));
        Assert.All(chunks, c => Assert.InRange(c.TokenCount, 1, 16));
        Assert.Equal(text, string.Concat(chunks.Select(c => c.Text)));
    }

    [Fact]
    public void Chunk_UnitLargerThanTheLimit_StillAdvancesOneUnitAChunk()
    {
        var chunks = Chunk("aa bb cc", tokenizer: new ConstantTokenizer(100));

        Assert.Equal(["aa ", "bb ", "cc"], chunks.Select(c => c.Text));
        Assert.All(chunks, c => Assert.Equal(100, c.TokenCount));
    }

    [Fact]
    public void Chunk_TokenizerCountingNothing_CountsEachUnitAsOne()
    {
        var chunks = Chunk(Words("w", 20), tokenizer: new ConstantTokenizer(0));

        Assert.Equal([Words("w", 16), Words("w", 4, 17)], chunks.Select(c => c.Text));
    }

    [Fact]
    public void Chunk_LeadingWhitespace_BelongsToTheFirstChunk()
    {
        var chunks = Chunk("  \n hello world");

        Assert.Equal("  \n hello world", Assert.Single(chunks).Text);
        Assert.Equal(2, chunks[0].TokenCount);
    }

    [Fact]
    public void Chunk_LongWord_IsCutIntoEightCharacterPieces()
    {
        var word = new string('z', 8 * 20);

        var chunks = Chunk(word);

        Assert.Equal([new string('z', 8 * 16), new string('z', 8 * 4)], chunks.Select(c => c.Text));
    }

    [Fact]
    public void Chunk_SurrogatePairs_AreNeverSplit()
    {
        var text = string.Concat(Enumerable.Repeat("\U0001F600", 20));

        var chunks = Chunk(text);

        Assert.Equal([string.Concat(Enumerable.Repeat("\U0001F600", 16)), string.Concat(Enumerable.Repeat("\U0001F600", 4))], chunks.Select(c => c.Text));
    }

    [Theory]
    [InlineData(16, 0, true)]
    [InlineData(15, 0, false)]
    [InlineData(16, 7, true)]
    [InlineData(16, 8, false)]
    [InlineData(17, 8, true)]
    [InlineData(16, -1, false)]
    public void Options_Validate_AtTheLimits(int max, int overlap, bool valid)
    {
        var options = new ChunkingOptions { MaxTokens = max, OverlapTokens = overlap };

        if (valid)
        {
            options.Validate();
        }
        else
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
            Assert.Equal(max < ChunkingOptions.MinimumMaxTokens ? nameof(ChunkingOptions.MaxTokens) : nameof(ChunkingOptions.OverlapTokens), error.ParamName);
        }
    }

    [Theory]
    [InlineData("abcdefgh", 1)]
    [InlineData("abcdefghi", 2)]
    [InlineData("abcdefghijklmnop", 2)]
    [InlineData("abcdefghijklmnopq", 3)]
    [InlineData("ab cd", 2)]
    [InlineData("ab-cd", 3)]
    [InlineData("\U0001F600", 1)]
    [InlineData("\U0001F600\U0001F600", 2)]
    [InlineData("\t \n", 0)]
    public void TokenEstimate_Count_AtWordPieceAndSurrogateEdges(string text, int expected)
    {
        Assert.Equal(expected, TokenEstimate.Count(text));
    }

    [Fact]
    public void TokenEstimate_Count_LoneSurrogates_CountAsOneCharacterEach()
    {
        // Built in code: attribute strings cannot carry a lone surrogate.
        var high = char.ConvertFromUtf32(0x1F600)[0].ToString();

        Assert.Equal(1, TokenEstimate.Count(high));
        Assert.Equal(2, TokenEstimate.Count(high + "ab"));
        Assert.Equal(2, TokenEstimate.Count("a" + high));
        Assert.Equal(2, TokenEstimate.Count(high + high));
    }

    /// <summary>Counts (characters squared) / 8: the whole costs more than the sum of its parts, as BPE merges can.</summary>
    private sealed class SquareTokenizer : ITokenizer
    {
        public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false) => Enumerable.Range(0, CountTokens(text)).ToList();

        public string Decode(IEnumerable<int> tokens) => string.Empty;

        public int CountTokens(string text) => text.Length * text.Length / 8;
    }

    private sealed class ConstantTokenizer(int count) : ITokenizer
    {
        public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false) => Enumerable.Range(0, count).ToList();

        public string Decode(IEnumerable<int> tokens) => string.Empty;

        public int CountTokens(string text) => count;
    }
}
