using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Agents.Rag;

/// <summary>
/// Loads Markdown (<c>.md</c>, <c>.markdown</c>): keeps the file's own text (so character ranges point into the
/// file) and records one section per heading, with the heading path ("Guide &gt; Install &gt; Linux") as metadata.
/// </summary>
public sealed class MarkdownDocumentLoader : IDocumentLoader
{
    private const string HeadingSeparator = " > ";

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Extensions { get; } = [".md", ".markdown"];

    /// <inheritdoc/>
    public async Task<SourceDocument> LoadAsync(Stream content, string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(source);
        var text = await TextDecoding.ReadTextAsync(content, source, cancellationToken).ConfigureAwait(false);
        return new SourceDocument(source, text, FindSections(text));
    }

    private static List<DocumentSection> FindSections(string text)
    {
        var document = Markdown.Parse(text);
        var headings = document.Descendants<HeadingBlock>().Where(h => h.Span.Start >= 0).OrderBy(h => h.Span.Start).ToList();
        var sections = new List<DocumentSection>();
        var path = new List<(int Level, string Title)>();
        var sectionStart = 0;
        string? currentPath = null;
        foreach (var heading in headings)
        {
            if (heading.Span.Start > sectionStart)
            {
                sections.Add(new DocumentSection(sectionStart, heading.Span.Start, HeadingPath: currentPath));
            }

            path.RemoveAll(p => p.Level >= heading.Level);
            path.Add((heading.Level, InlineText(heading).Trim()));
            currentPath = string.Join(HeadingSeparator, path.Select(p => p.Title));
            sectionStart = heading.Span.Start;
        }

        if (text.Length > sectionStart)
        {
            sections.Add(new DocumentSection(sectionStart, text.Length, HeadingPath: currentPath));
        }

        return sections;
    }

    private static string InlineText(LeafBlock block)
    {
        var builder = new System.Text.StringBuilder();
        AppendInlines(block.Inline, builder);
        return builder.ToString();
    }

    private static void AppendInlines(ContainerInline? container, System.Text.StringBuilder builder)
    {
        for (var inline = container?.FirstChild; inline is not null; inline = inline.NextSibling)
        {
            switch (inline)
            {
                case LiteralInline literal:
                    builder.Append(literal.Content.AsSpan());
                    break;
                case CodeInline code:
                    builder.Append(code.Content);
                    break;
                case ContainerInline nested:
                    AppendInlines(nested, builder);
                    break;
            }
        }
    }
}
