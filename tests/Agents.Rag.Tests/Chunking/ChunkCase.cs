using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Agents.Rag.Tests;

/// <summary>A generated document (Markdown, so it has heading sections) and chunking options.</summary>
public sealed record ChunkCase(string Text, int MaxTokens, int OverlapTokens)
{
    public SourceDocument Document() =>
        new MarkdownDocumentLoader().LoadAsync(new MemoryStream(Encoding.UTF8.GetBytes(Text)), "gen/doc.md").GetAwaiter().GetResult();

    public override string ToString() => $"max {MaxTokens}, overlap {OverlapTokens}, text ({Text.Length} chars): {Text[..Math.Min(Text.Length, 300)]}";
}

public static class ChunkingArbitraries
{
    private static readonly string[] Fragments =
    [
        "the ", "quick ", "brown ", "fox", "jumps ", "over ", "lazy ", "dogs", ". ", ", ", "! ", "? ", " ", "  ", "\n",
        "\n\n", "\t", "internationalization ", "supercalifragilisticexpialidocious", "42", "3.14", "(x)", "a", "é",
        "😀", "🚀 ", "\n# Heading one\n", "\n## Sub heading\n", "- item\n", "naïve ", "日本語のテキスト", "x=y+z; ",
    ];

    public static Arbitrary<ChunkCase> ChunkCase()
    {
        var generator =
            from max in Gen.Choose(ChunkingOptions.MinimumMaxTokens, 120)
            from overlap in Gen.Choose(0, (max - 1) / 2)
            from length in Gen.Choose(0, 700)
            from parts in Gen.ListOf(Gen.Elements(Fragments), length)
            select new ChunkCase(string.Concat(parts), max, overlap);
        return Arb.From(generator);
    }
}
