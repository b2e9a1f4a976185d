using System.Text;

namespace Agents.Safety.Guards;

/// <summary>
/// Removes characters that are invisible to a reader but read by a model: control characters (tab, line feed and
/// carriage return are kept), zero-width characters, bidirectional overrides and isolates, soft hyphens and Unicode
/// tag characters (U+E0000–U+E007F, which can spell out a hidden ASCII message).
/// </summary>
/// <remarks>The zero-width joiner inside emoji sequences is removed too: the emoji then show as separate pictures.</remarks>
public static class InvisibleCharacterSanitizer
{
    /// <summary>Removes the invisible characters of <paramref name="text"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The cleaned text (the same instance when nothing was removed) and what was removed.</returns>
    public static SanitizedText Sanitize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = FirstRemovable(text);
        if (first < 0)
        {
            return new SanitizedText(text, 0, 0, 0, string.Empty);
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, first);
        int control = 0, invisible = 0, bidi = 0;
        StringBuilder? tagMessage = null;
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && IsTagCharacter(c, text[i + 1], out var ascii))
            {
                invisible++;
                (tagMessage ??= new StringBuilder()).Append(ascii);
                i++;
                continue;
            }

            switch (Classify(c))
            {
                case Removal.Control:
                    control++;
                    break;
                case Removal.Invisible:
                    invisible++;
                    break;
                case Removal.Bidi:
                    bidi++;
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return new SanitizedText(builder.ToString(), control, invisible, bidi, tagMessage?.ToString() ?? string.Empty);
    }

    private static int FirstRemovable(string text)
    {
        // Printable ASCII is never removed: a vectorised search skips it, and only the other characters are classified.
        var span = text.AsSpan();
        var i = span.IndexOfAnyExceptInRange(' ', '~');
        while (i >= 0)
        {
            var c = span[i];
            if (c < ' ' ? c is not ('\t' or '\n' or '\r') : Classify(c) != Removal.None || (char.IsHighSurrogate(c)
                && i + 1 < span.Length && IsTagCharacter(c, span[i + 1], out _)))
            {
                return i;
            }

            var next = span[(i + 1)..].IndexOfAnyExceptInRange(' ', '~');
            i = next < 0 ? -1 : i + 1 + next;
        }

        return -1;
    }

    private static bool IsTagCharacter(char high, char low, out char ascii)
    {
        ascii = '\0';
        if (high != '\uDB40' || low is < '\uDC00' or > '\uDC7F')
        {
            return false;
        }

        var code = low - '\uDC00';
        ascii = code is >= 0x20 and < 0x7F ? (char)code : ' ';
        return true;
    }

    private static Removal Classify(char c) => c switch
    {
        '\t' or '\n' or '\r' => Removal.None,
        < ' ' or (>= '\u007F' and <= '\u009F') => Removal.Control,
        '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\u2061' or '\u2062' or '\u2063' or '\u2064' or '\uFEFF'
            or '\u180E' or '\u00AD' or '\u034F' or '\u115F' or '\u1160' or '\u3164' or '\uFFA0' => Removal.Invisible,
        (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200E' or '\u200F' or '\u061C' => Removal.Bidi,
        _ => Removal.None,
    };

    private enum Removal
    {
        None,
        Control,
        Invisible,
        Bidi,
    }
}
