namespace Agents.Rag;

/// <summary>
/// Estimates, in one linear pass and without building a tree, how deeply an HTML text nests its elements, so a
/// hostile page is refused before the parser spends quadratic time on it.
/// </summary>
/// <remarks>
/// The estimate errs high, never low, for the pages that matter: every start tag of an element that can hold
/// others counts, and only its own end tag uncounts it. Void elements (<c>br</c>, <c>img</c>, …), self-closed tags
/// and the elements the parser closes implicitly when a sibling opens (<c>p</c>, <c>li</c>, <c>td</c>, …) do not
/// count; comments, doctypes and the raw text of <c>script</c>, <c>style</c>, <c>textarea</c> and <c>title</c> are
/// skipped.
/// </remarks>
internal static class HtmlNestingScanner
{
    private static readonly HashSet<string> NonNesting = new(StringComparer.OrdinalIgnoreCase)
    {
        // void elements
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr", "keygen",
        // closed implicitly by the next sibling, so a run of them does not nest
        "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup", "rb", "rt", "rp",
    };

    private static readonly HashSet<string> RawText = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "textarea", "title", "xmp" };

    /// <summary>Gets whether <paramref name="html"/> nests counted elements deeper than <paramref name="limit"/>.</summary>
    /// <param name="html">The page.</param>
    /// <param name="limit">The deepest nesting allowed.</param>
    /// <param name="depth">The depth reached when the limit was passed, otherwise the deepest seen.</param>
    /// <returns><see langword="true"/> when the page is too deep.</returns>
    public static bool ExceedsDepth(string html, int limit, out int depth)
    {
        var current = 0;
        var deepest = 0;
        var position = 0;
        while (true)
        {
            var open = html.IndexOf('<', position);
            if (open < 0 || open + 1 >= html.Length)
            {
                depth = deepest;
                return false;
            }

            if (string.CompareOrdinal(html, open, "<!--", 0, 4) == 0)
            {
                var end = html.IndexOf("-->", open + 4, StringComparison.Ordinal);
                position = end < 0 ? html.Length : end + 3;
                continue;
            }

            var closing = html[open + 1] == '/';
            var nameStart = open + (closing ? 2 : 1);
            var nameEnd = nameStart;
            while (nameEnd < html.Length && (char.IsAsciiLetterOrDigit(html[nameEnd]) || html[nameEnd] is '-' or ':' or '_'))
            {
                nameEnd++;
            }

            if (nameEnd == nameStart || !char.IsAsciiLetter(html[nameStart]))
            {
                // Not a tag ("a < b", "<!DOCTYPE", "<?xml"): move on.
                position = open + 1;
                continue;
            }

            var tagEnd = html.IndexOf('>', nameEnd);
            if (tagEnd < 0)
            {
                depth = deepest;
                return false;
            }

            var name = html.AsSpan(nameStart, nameEnd - nameStart);
            position = tagEnd + 1;
            var lookup = NonNesting.GetAlternateLookup<ReadOnlySpan<char>>();
            if (closing)
            {
                if (!lookup.Contains(name) && current > 0)
                {
                    current--;
                }

                continue;
            }

            if (RawText.GetAlternateLookup<ReadOnlySpan<char>>().Contains(name))
            {
                var endTag = html.IndexOf(string.Concat("</", name), position, StringComparison.OrdinalIgnoreCase);
                position = endTag < 0 ? html.Length : endTag;
                continue;
            }

            if (lookup.Contains(name) || html[tagEnd - 1] == '/')
            {
                continue;
            }

            current++;
            deepest = Math.Max(deepest, current);
            if (current > limit)
            {
                depth = current;
                return true;
            }
        }
    }
}
