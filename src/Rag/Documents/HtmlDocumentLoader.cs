using System.Globalization;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Agents.Rag;

/// <summary>
/// Loads HTML (<c>.html</c>, <c>.htm</c>): visible text only — scripts, styles, templates and hidden elements are
/// dropped, block elements become line breaks — with one section per heading (<c>h1</c>…<c>h6</c>).
/// </summary>
/// <remarks>
/// A page nested deeper than <see cref="MaxNestingDepth"/> is refused with a <see cref="DocumentLoadException"/>
/// before it is parsed: the HTML tree builder's work grows with the square of the depth (200,000 nested
/// <c>&lt;div&gt;</c> elements took minutes), and no real page needs it.
/// </remarks>
public sealed class HtmlDocumentLoader : IDocumentLoader
{
    private static readonly HashSet<string> InvisibleElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "noscript", "template", "head", "svg", "canvas", "iframe", "object",
    };

    private static readonly HashSet<string> BlockElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "section", "article", "header", "footer", "nav", "aside", "main", "li", "ul", "ol", "dl", "dt", "dd",
        "table", "tr", "td", "th", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "br", "hr", "figure",
        "figcaption", "form", "fieldset", "address",
    };

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Extensions { get; } = [".html", ".htm", ".xhtml"];

    /// <summary>Gets the deepest element nesting a page may have; deeper pages are refused.</summary>
    /// <value>512 by default, the depth at which browsers' HTML parsers stop nesting.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value set is below 1.</exception>
    public int MaxNestingDepth
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 512;

    /// <inheritdoc/>
    public async Task<SourceDocument> LoadAsync(Stream content, string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(source);
        var html = await TextDecoding.ReadTextAsync(content, source, cancellationToken).ConfigureAwait(false);
        if (HtmlNestingScanner.ExceedsDepth(html, MaxNestingDepth, out var depth))
        {
            throw new DocumentLoadException(string.Create(
                CultureInfo.InvariantCulture, $"'{source}' nests elements deeper than the limit of {MaxNestingDepth} (at least {depth} levels)."));
        }

        var document = await new HtmlParser().ParseDocumentAsync(html, cancellationToken).ConfigureAwait(false);
        var writer = new VisibleTextWriter();
        if (document.Body is { } body)
        {
            writer.Write(body);
        }

        return new SourceDocument(source, writer.Text, writer.Sections());
    }

    private static bool IsHidden(IElement element) =>
        InvisibleElements.Contains(element.LocalName)
        || element.HasAttribute("hidden")
        || string.Equals(element.GetAttribute("aria-hidden"), "true", StringComparison.OrdinalIgnoreCase)
        || (element.GetAttribute("style")?.Replace(" ", string.Empty, StringComparison.Ordinal)
            .Contains("display:none", StringComparison.OrdinalIgnoreCase) ?? false);

    /// <summary>Walks the DOM writing visible text, collapsing whitespace as a browser would.</summary>
    private sealed class VisibleTextWriter
    {
        private readonly StringBuilder _text = new();
        private readonly List<(int Start, int Level, string Title)> _headings = [];
        private bool _pendingSpace;

        public string Text => _text.ToString().TrimEnd();

        // An explicit stack rather than recursion: the parser may still build a tree deeper than the stack allows.
        public void Write(INode root)
        {
            var pending = new Stack<(INode Node, bool Preformatted, bool Closing)>();
            pending.Push((root, false, false));
            while (pending.Count > 0)
            {
                var (node, preformatted, closing) = pending.Pop();
                if (closing)
                {
                    BreakLine();
                    continue;
                }

                switch (node)
                {
                    case IText textNode:
                        WriteText(textNode.Data, preformatted);
                        break;
                    case IElement element when !IsHidden(element):
                        var isBlock = BlockElements.Contains(element.LocalName);
                        if (isBlock)
                        {
                            BreakLine();
                            pending.Push((element, preformatted, true));
                        }

                        if (element.LocalName.Length == 2 && element.LocalName[0] is 'h' or 'H' && char.IsAsciiDigit(element.LocalName[1]))
                        {
                            _headings.Add((_text.Length, element.LocalName[1] - '0', Collapse(element.TextContent)));
                        }

                        var keepWhitespace = preformatted || string.Equals(element.LocalName, "pre", StringComparison.OrdinalIgnoreCase);
                        for (var i = element.ChildNodes.Length - 1; i >= 0; i--)
                        {
                            pending.Push((element.ChildNodes[i], keepWhitespace, false));
                        }

                        break;
                }
            }
        }

        public List<DocumentSection> Sections()
        {
            var text = Text;
            var sections = new List<DocumentSection>();
            var path = new List<(int Level, string Title)>();
            var sectionStart = 0;
            string? currentPath = null;
            foreach (var (start, level, title) in _headings.Where(h => h.Start < text.Length))
            {
                if (start > sectionStart)
                {
                    sections.Add(new DocumentSection(sectionStart, start, HeadingPath: currentPath));
                }

                path.RemoveAll(p => p.Level >= level);
                path.Add((level, title));
                currentPath = string.Join(" > ", path.Select(p => p.Title));
                sectionStart = Math.Max(sectionStart, start);
            }

            if (text.Length > sectionStart)
            {
                sections.Add(new DocumentSection(sectionStart, text.Length, HeadingPath: currentPath));
            }

            return sections;
        }

        private static string Collapse(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

        private void WriteText(string data, bool preformatted)
        {
            if (preformatted)
            {
                _text.Append(data);
                _pendingSpace = false;
                return;
            }

            foreach (var c in data)
            {
                if (char.IsWhiteSpace(c))
                {
                    _pendingSpace = _text.Length > 0 && !char.IsWhiteSpace(_text[^1]);
                    continue;
                }

                if (_pendingSpace)
                {
                    _text.Append(' ');
                    _pendingSpace = false;
                }

                _text.Append(c);
            }
        }

        private void BreakLine()
        {
            _pendingSpace = false;
            while (_text.Length > 0 && _text[^1] == ' ')
            {
                _text.Length--;
            }

            if (_text.Length > 0 && _text[^1] != '\n')
            {
                _text.Append('\n');
            }
        }
    }
}
