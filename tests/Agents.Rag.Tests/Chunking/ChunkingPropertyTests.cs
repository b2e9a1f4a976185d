using FsCheck.Xunit;

namespace Agents.Rag.Tests;

public sealed class ChunkingPropertyTests
{
    private static IReadOnlyList<TextChunk> Chunk(ChunkCase c, ITokenizer? tokenizer = null) =>
        new TextChunker(new ChunkingOptions { MaxTokens = c.MaxTokens, OverlapTokens = c.OverlapTokens, Tokenizer = tokenizer }).Chunk(c.Document());

    [Property(Arbitrary = [typeof(ChunkingArbitraries)], MaxTest = 300)]
    public void Chunk_AnyText_ChunksAreExactRangesThatCoverTheWholeText(ChunkCase c)
    {
        var chunks = Chunk(c);

        if (string.IsNullOrWhiteSpace(c.Text))
        {
            Assert.Empty(chunks);
            return;
        }

        Assert.Equal(0, chunks[0].Start);
        Assert.Equal(c.Text.Length, chunks[^1].End);
        for (var i = 0; i < chunks.Count; i++)
        {
            Assert.Equal(i, chunks[i].Index);
            Assert.Equal(c.Text[chunks[i].Start..chunks[i].End], chunks[i].Text);
            if (i > 0)
            {
                // No gap (nothing dropped) and progress (no chunk repeats another).
                Assert.True(chunks[i].Start <= chunks[i - 1].End, $"gap before chunk {i}");
                Assert.True(chunks[i].Start > chunks[i - 1].Start, $"chunk {i} does not advance");
            }
        }
    }

    [Property(Arbitrary = [typeof(ChunkingArbitraries)], MaxTest = 300)]
    public void Chunk_AnyText_OverlapIsExactlyTheRequestedTokensAndNothingMore(ChunkCase c)
    {
        var chunks = Chunk(c);

        for (var i = 1; i < chunks.Count; i++)
        {
            var shared = c.Text[chunks[i].Start..chunks[i - 1].End];
            Assert.Equal(c.OverlapTokens, TokenEstimate.Count(shared));
            if (i >= 2)
            {
                // Text is never repeated in three chunks: the overlap is only ever between neighbours.
                Assert.True(chunks[i].Start >= chunks[i - 2].End, $"chunk {i} overlaps chunk {i - 2}");
            }
        }
    }

    [Property(Arbitrary = [typeof(ChunkingArbitraries)], MaxTest = 300)]
    public void Chunk_AnyText_NoChunkExceedsTheTokenLimit(ChunkCase c)
    {
        foreach (var chunk in Chunk(c))
        {
            Assert.True(chunk.TokenCount <= c.MaxTokens, $"{chunk.TokenCount} tokens > {c.MaxTokens}");
            Assert.Equal(TokenEstimate.Count(chunk.Text), chunk.TokenCount);
        }
    }

    [Property(Arbitrary = [typeof(ChunkingArbitraries)], MaxTest = 200)]
    public void Chunk_WithModelTokenizer_RespectsLimitCoverageAndBoundedOverlap(ChunkCase c)
    {
        var tokenizer = new CharacterTriGramTokenizer();
        var chunks = Chunk(c, tokenizer);

        for (var i = 0; i < chunks.Count; i++)
        {
            Assert.True(tokenizer.CountTokens(chunks[i].Text) <= c.MaxTokens);
            if (i > 0)
            {
                Assert.True(chunks[i].Start <= chunks[i - 1].End);
                Assert.True(chunks[i].Start > chunks[i - 1].Start);
            }
        }

        if (chunks.Count > 0)
        {
            Assert.Equal(c.Text.Length, chunks[^1].End);
        }
    }

    [Property(Arbitrary = [typeof(ChunkingArbitraries)], MaxTest = 100)]
    public void Chunk_SameDocumentTwice_GivesTheSameIdsDerivedFromSourceAndText(ChunkCase c)
    {
        var first = Chunk(c);
        var second = Chunk(c);

        Assert.Equal(first.Select(x => x.Id), second.Select(x => x.Id));
        Assert.Equal(first.Count, first.Select(x => x.Id).Distinct().Count());
        foreach (var chunk in first.Where(x => first.Count(y => y.Text == x.Text) == 1))
        {
            Assert.Equal(TextChunker.ComputeId("gen/doc.md", chunk.Text), chunk.Id);
        }
    }
}
