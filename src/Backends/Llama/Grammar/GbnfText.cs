using System.Globalization;
using System.Text;

namespace Agents.Backends.Llama.Grammar;

/// <summary>Writes GBNF literals and character classes with only the escapes llama.cpp understands.</summary>
internal static class GbnfText
{
    /// <summary>A quoted GBNF literal matching <paramref name="text"/> exactly.</summary>
    public static string Literal(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (var rune in text.EnumerateRunes())
        {
            var v = rune.Value;
            if (v == '"' || v == '\\')
            {
                sb.Append('\\').Append((char)v);
            }
            else if (v is >= 0x20 and < 0x7F)
            {
                sb.Append((char)v);
            }
            else
            {
                AppendEscape(sb, v);
            }
        }

        return sb.Append('"').ToString();
    }

    /// <summary>One character as it may appear inside a GBNF character class.</summary>
    public static string ClassChar(int codePoint)
    {
        if (codePoint is >= 0x20 and < 0x7F && codePoint is not ('\\' or ']' or '[' or '^' or '-' or '"'))
        {
            return ((char)codePoint).ToString();
        }

        var sb = new StringBuilder(10);
        AppendEscape(sb, codePoint);
        return sb.ToString();
    }

    /// <summary>A character class over inclusive code-point ranges, negated when <paramref name="negated"/>.</summary>
    public static string Class(IEnumerable<(int Low, int High)> ranges, bool negated = false)
    {
        var sb = new StringBuilder("[");
        if (negated)
        {
            sb.Append('^');
        }

        foreach (var (low, high) in ranges)
        {
            sb.Append(ClassChar(low));
            if (high != low)
            {
                sb.Append('-').Append(ClassChar(high));
            }
        }

        return sb.Append(']').ToString();
    }

    private static void AppendEscape(StringBuilder sb, int v)
    {
        if (v <= 0xFF)
        {
            sb.Append("\\x").Append(v.ToString("X2", CultureInfo.InvariantCulture));
        }
        else if (v <= 0xFFFF)
        {
            sb.Append("\\u").Append(v.ToString("X4", CultureInfo.InvariantCulture));
        }
        else
        {
            sb.Append("\\U").Append(v.ToString("X8", CultureInfo.InvariantCulture));
        }
    }
}
