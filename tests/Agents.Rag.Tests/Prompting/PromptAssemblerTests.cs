namespace Agents.Rag.Tests;

public sealed class PromptAssemblerTests
{
    private static RetrievedPassage Passage(string source, int start, string text, double score = 1, int? page = null, string? heading = null) => new()
    {
        ChunkId = TextChunker.ComputeId(source, text),
        Source = source,
        Text = text,
        Start = start,
        End = start + text.Length,
        Score = score,
        Page = page,
        HeadingPath = heading,
    };

    private static readonly RetrievedPassage[] Ranked =
    [
        Passage("z.md", 100, "Zebras live in Africa and have stripes.", 0.9, heading: "Animals > Zebras"),
        Passage("a.pdf", 50, "Aardvarks eat ants at night.", 0.8, page: 3),
        Passage("a.pdf", 0, "Aardvarks have long snouts.", 0.7, page: 1),
        Passage("m.txt", 10, string.Join(' ', Enumerable.Repeat("filler", 200)), 0.6),
    ];

    [Fact]
    public void Assemble_SmallBudget_StaysWithinBudgetAndKeepsTheBestPassages()
    {
        var assembler = new PromptAssembler();

        var context = assembler.Assemble(Ranked, tokenBudget: 60);

        Assert.True(context.TokenCount <= 60, $"{context.TokenCount} tokens");
        Assert.Equal(TokenEstimate.Count(context.Text), context.TokenCount);
        Assert.Contains(context.Citations, c => c.Source == "z.md");
        Assert.DoesNotContain(context.Citations, c => c.Source == "m.txt");
        Assert.True(context.OmittedCount >= 1);
    }

    [Fact]
    public void Assemble_WithModelTokenizer_CountsWithIt()
    {
        var tokenizer = new CharacterTriGramTokenizer();

        var context = new PromptAssembler(tokenizer).Assemble(Ranked, tokenBudget: 80);

        Assert.Equal(tokenizer.CountTokens(context.Text), context.TokenCount);
        Assert.True(context.TokenCount <= 80);
    }

    [Fact]
    public void Assemble_SamePassagesInAnyOrder_GivesByteIdenticalText()
    {
        var assembler = new PromptAssembler();

        var first = assembler.Assemble(Ranked.Take(3).ToList(), 1000);
        var second = assembler.Assemble(Ranked.Take(3).Reverse().ToList(), 1000);

        Assert.Equal(first.Text, second.Text);
        Assert.Equal(["a.pdf", "a.pdf", "z.md"], first.Citations.Select(c => c.Source));
        Assert.Equal([0, 50, 100], first.Citations.Select(c => c.Start));
    }

    [Fact]
    public void Assemble_Passages_AreNumberedFromOneWithSourceLocation()
    {
        var context = new PromptAssembler().Assemble(Ranked.Take(3).ToList(), 1000);

        Assert.Equal([1, 2, 3], context.Citations.Select(c => c.Number));
        Assert.StartsWith("[1] a.pdf, page 1 (characters 0-27)\nAardvarks have long snouts.", context.Text, StringComparison.Ordinal);
        Assert.Contains("[3] z.md, Animals > Zebras (characters 100-139)", context.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Assemble_DuplicateChunk_IsUsedOnce()
    {
        var context = new PromptAssembler().Assemble([Ranked[0], Ranked[0]], 1000);

        Assert.Single(context.Citations);
    }

    [Fact]
    public void Assemble_ZeroBudget_ReturnsNothing()
    {
        var context = new PromptAssembler().Assemble(Ranked, 0);

        Assert.Equal(string.Empty, context.Text);
        Assert.Empty(context.Citations);
        Assert.Equal(Ranked.Length, context.OmittedCount);
    }
}
