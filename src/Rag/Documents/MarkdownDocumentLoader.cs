using System.Globalization;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Agents.Rag;

/// <summary>
/// Loads Markdown (<c>.md</c>, <c>.markdown</c>): keeps the file's own text (so character ranges point into the
/// file) and records one section per heading, with the heading path ("Guide &gt; Install &gt; Linux") as metadata.
/// </summary>
/// <remarks>
/// A file whose block quotes or lists nest deeper than <see cref="MaxNestingDepth"/> on one line, or that Markdig
/// refuses as too deeply nested, is refused with a <see cref="DocumentLoadException"/>: the parser's time grows with
/// the square of the depth (50,000 nested list markers on one line took 17 seconds).
/// </remarks>
public sealed class MarkdownDocumentLoader : IDocumentLoader
{
    private const string HeadingSeparator = " > ";

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Extensions { get; } = [".md", ".markdown"];

    /// <summary>Gets the deepest nesting of block quotes and list items one line may open.</summary>
    /// <value>128 by default, Markdig's own limit.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value set is below 1.</exception>
    public int MaxNestingDepth
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 128;

    /// <inheritdoc/>
    public async Task<SourceDocument> LoadAsync(Stream content, string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(source);
        var text = await TextDecoding.ReadTextAsync(content, source, cancellationToken).ConfigureAwait(false);
        var depth = DeepestLineNesting(text);
        if (depth > MaxNestingDepth)
        {
            throw new DocumentLoadException(string.Create(
                CultureInfo.InvariantCulture, $"'{source}' nests block quotes or lists deeper than the limit of {MaxNestingDepth} ({depth} levels on one line)."));
        }

        MarkdownDocument document;
        try
        {
            document = Markdown.Parse(text);
        }
        catch (ArgumentException exception)
        {
            // Markdig's own depth limit ("too deeply nested").
            throw new DocumentLoadException($"'{source}' is refused by the Markdown parser: {exception.Message}", exception);
        }

        return new SourceDocument(source, text, FindSections(document, text));
    }

    // How many block quotes and list items the most nested line opens at its start ("> > - 1. text" opens 4).
    private static int DeepestLineNesting(string text)
    {
        var deepest = 0;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            var depth = 0;
            var i = 0;
            while (true)
            {
                while (i < line.Length && line[i] is ' ' or '\t')
                {
                    i++;
                }

                if (i < line.Length && line[i] == '>')
                {
                    i++;
                }
                else if (i + 1 < line.Length && line[i] is '-' or '*' or '+' && line[i + 1] is ' ' or '\t')
                {
                    i += 2;
                }
                else
                {
                    var digits = i;
                    while (digits < line.Length && digits - i < 9 && char.IsAsciiDigit(line[digits]))
                    {
                        digits++;
                    }

                    if (digits == i || digits + 1 >= line.Length || line[digits] is not ('.' or ')') || line[digits + 1] is not (' ' or '\t'))
                    {
                        break;
                    }

                    i = digits + 2;
                }

                depth++;
            }

            deepest = Math.Max(deepest, depth);
        }

        return deepest;
    }

    private static List<DocumentSection> FindSections(MarkdownDocument document, string text)
    {
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
