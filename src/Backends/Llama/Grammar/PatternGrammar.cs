using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Agents.Backends.Llama.Grammar;

/// <summary>
/// Turns a subset of regular expressions (literals, classes, <c>\d \w \s</c>, <c>.</c>, groups, alternation and
/// quantifiers) into a GBNF expression for the JSON-escaped contents of a string. The whole generated string matches the
/// pattern, so it also satisfies JSON Schema's unanchored <c>pattern</c>. Anything else is refused.
/// </summary>
internal sealed class PatternGrammar
{
    private readonly string _pattern;
    private readonly int _maxUnbounded;
    private int _pos;

    private PatternGrammar(string pattern, int maxUnbounded)
    {
        _pattern = pattern;
        _maxUnbounded = maxUnbounded;
    }

    /// <summary>Converts <paramref name="pattern"/>; unbounded quantifiers repeat at most <paramref name="maxUnbounded"/> times.</summary>
    /// <exception cref="NotSupportedException">The pattern is invalid or uses a construct outside the subset (the message says which).</exception>
    public static string Convert(string pattern, int maxUnbounded)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw new NotSupportedException($"pattern '{pattern}' is not a valid regular expression: {e.Message}", e);
        }

        var converter = new PatternGrammar(pattern, maxUnbounded);
        if (converter.Peek('^'))
        {
            converter._pos++;
        }

        var expression = converter.ParseAlternation(0);
        if (converter._pos != pattern.Length)
        {
            throw converter.Unsupported("an unexpected character");
        }

        return expression;
    }

    private string ParseAlternation(int depth)
    {
        if (depth > 32)
        {
            throw Unsupported("groups nested more than 32 deep");
        }

        var alternatives = new List<string> { ParseSequence(depth) };
        while (Peek('|'))
        {
            _pos++;
            alternatives.Add(ParseSequence(depth));
        }

        if (alternatives.Any(a => a.Length == 0))
        {
            // An empty branch: make the whole alternation optional instead of writing an empty GBNF alternative.
            var nonEmpty = alternatives.Where(a => a.Length > 0).ToList();
            return nonEmpty.Count == 0 ? string.Empty : "(" + string.Join(" | ", nonEmpty) + ")?";
        }

        return alternatives.Count == 1 ? alternatives[0] : "(" + string.Join(" | ", alternatives) + ")";
    }

    private string ParseSequence(int depth)
    {
        var items = new List<string>();
        while (_pos < _pattern.Length && _pattern[_pos] is not ('|' or ')'))
        {
            if (_pattern[_pos] == '$' && _pos == _pattern.Length - 1)
            {
                _pos++;
                break;
            }

            var atom = ParseAtom(depth);
            var quantified = ParseQuantifier(atom);
            if (quantified.Length > 0)
            {
                items.Add(quantified);
            }
        }

        return string.Join(" ", items);
    }

    private string ParseAtom(int depth)
    {
        var c = _pattern[_pos];
        switch (c)
        {
            case '(':
                _pos++;
                if (Peek('?'))
                {
                    if (_pos + 1 < _pattern.Length && _pattern[_pos + 1] == ':')
                    {
                        _pos += 2;
                    }
                    else
                    {
                        throw Unsupported("lookaround or named groups");
                    }
                }

                var inner = ParseAlternation(depth + 1);
                if (!Peek(')'))
                {
                    throw Unsupported("an unclosed group");
                }

                _pos++;
                return inner.Length == 0 ? string.Empty : "(" + inner + ")";
            case '[':
                return ParseClass();
            case '.':
                _pos++;
                return Negated([]);
            case '\\':
                return ParseEscape(inClass: false, out _) ?? throw Unsupported("an escape");
            case '^' or '$':
                throw Unsupported($"'{c}' inside the pattern");
            case '*' or '+' or '?' or '{':
                throw Unsupported($"a quantifier '{c}' with nothing before it");
            default:
                _pos++;
                if (char.IsSurrogate(c))
                {
                    throw Unsupported("characters outside the Basic Multilingual Plane");
                }

                return Literal(c);
        }
    }

    private string ParseQuantifier(string atom)
    {
        if (_pos >= _pattern.Length)
        {
            return atom;
        }

        int min;
        int? max;
        switch (_pattern[_pos])
        {
            case '*':
                (min, max) = (0, null);
                _pos++;
                break;
            case '+':
                (min, max) = (1, null);
                _pos++;
                break;
            case '?':
                (min, max) = (0, 1);
                _pos++;
                break;
            case '{':
                var close = _pattern.IndexOf('}', _pos);
                if (close < 0)
                {
                    throw Unsupported("an unclosed '{'");
                }

                var parts = _pattern[(_pos + 1)..close].Split(',');
                if (parts.Length > 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out min))
                {
                    throw Unsupported("a malformed {m,n} quantifier");
                }

                max = min;
                if (parts.Length == 2)
                {
                    max = parts[1].Length == 0 ? null
                        : int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m
                        : throw Unsupported("a malformed {m,n} quantifier");
                }

                _pos = close + 1;
                break;
            default:
                return atom;
        }

        if (Peek('?') || Peek('+'))
        {
            _pos++; // lazy or possessive: the same strings.
        }

        var upper = max ?? min + _maxUnbounded;
        if (upper > GbnfParser.MaxRepetition || min > upper)
        {
            throw Unsupported($"a repetition count over {GbnfParser.MaxRepetition} or reversed");
        }

        if (atom.Length == 0 || upper == 0)
        {
            return string.Empty;
        }

        var wrapped = atom.StartsWith('(') && atom.EndsWith(')') || !atom.Contains(' ', StringComparison.Ordinal) ? atom : "(" + atom + ")";
        return min == 1 && upper == 1 ? atom : FormattableString.Invariant($"{wrapped}{{{min},{upper}}}");
    }

    private string? ParseEscape(bool inClass, out List<(int, int)>? ranges)
    {
        ranges = null;
        if (_pos + 1 >= _pattern.Length)
        {
            throw Unsupported("a trailing '\\'");
        }

        var e = _pattern[_pos + 1];
        _pos += 2;
        switch (e)
        {
            case 'd':
                ranges = [('0', '9')];
                break;
            case 'w':
                ranges = [('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
                break;
            case 's':
                ranges = [(' ', ' ')];
                break;
            case 'D':
                return inClass ? throw Unsupported("negated escapes inside a class") : Negated([('0', '9')]);
            case 'W':
                return inClass ? throw Unsupported("negated escapes inside a class") : Negated([('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')]);
            case 'S':
                return inClass ? throw Unsupported("negated escapes inside a class") : Negated([(' ', ' '), ('\t', '\t')]);
            case 't':
                ranges = [('\t', '\t')];
                break;
            case 'n':
                ranges = [('\n', '\n')];
                break;
            case 'r':
                ranges = [('\r', '\r')];
                break;
            case 'u' or 'x':
                var digits = e == 'u' ? 4 : 2;
                if (_pos + digits > _pattern.Length
                    || !int.TryParse(_pattern.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
                    || code is >= 0xD800 and <= 0xDFFF)
                {
                    throw Unsupported($"a malformed \\{e} escape");
                }

                _pos += digits;
                ranges = [(code, code)];
                break;
            default:
                if (char.IsAsciiLetterOrDigit(e))
                {
                    throw Unsupported($"the escape '\\{e}'");
                }

                ranges = [(e, e)];
                break;
        }

        if (inClass)
        {
            return null;
        }

        return ranges.Count == 1 && ranges[0].Item1 == ranges[0].Item2 ? Literal(ranges[0].Item1) : PositiveClass(ranges);
    }

    private string ParseClass()
    {
        _pos++;
        var negated = Peek('^');
        if (negated)
        {
            _pos++;
        }

        var ranges = new List<(int, int)>();
        var first = true;
        while (true)
        {
            if (_pos >= _pattern.Length)
            {
                throw Unsupported("an unclosed character class");
            }

            var c = _pattern[_pos];
            if (c == ']' && !first)
            {
                _pos++;
                break;
            }

            first = false;
            int low;
            if (c == '\\')
            {
                ParseEscape(inClass: true, out var escaped);
                if (escaped!.Count > 1 || escaped[0].Item1 != escaped[0].Item2)
                {
                    ranges.AddRange(escaped);
                    continue;
                }

                low = escaped[0].Item1;
            }
            else if (c == '[')
            {
                throw Unsupported("nested classes");
            }
            else
            {
                low = c;
                _pos++;
            }

            var high = low;
            if (Peek('-') && _pos + 1 < _pattern.Length && _pattern[_pos + 1] != ']')
            {
                _pos++;
                if (_pattern[_pos] == '\\')
                {
                    ParseEscape(inClass: true, out var escaped);
                    high = escaped![0].Item1;
                }
                else
                {
                    high = _pattern[_pos++];
                }
            }

            if (char.IsSurrogate((char)low) || char.IsSurrogate((char)high) || high < low)
            {
                throw Unsupported("a reversed range or surrogate characters in a class");
            }

            ranges.Add((low, high));
        }

        return negated ? Negated(ranges) : PositiveClass(ranges);
    }

    // A negated class never produces characters that JSON would have to escape.
    private static string Negated(List<(int, int)> ranges) =>
        GbnfText.Class([.. ranges, ('"', '"'), ('\\', '\\'), (0, 0x1F)], negated: true);

    private string PositiveClass(List<(int Low, int High)> ranges)
    {
        // Characters JSON escapes are left out of classes (the generated strings are a subset, so still match).
        var kept = new List<(int, int)>();
        foreach (var (low, high) in ranges)
        {
            var from = Math.Max(low, 0x20);
            foreach (var cut in new[] { (int)'"', (int)'\\' }.Order())
            {
                if (from <= cut && cut <= high)
                {
                    if (from < cut)
                    {
                        kept.Add((from, cut - 1));
                    }

                    from = cut + 1;
                }
            }

            if (from <= high)
            {
                kept.Add((from, high));
            }
        }

        return kept.Count == 0 ? throw Unsupported("a class of only characters JSON must escape") : GbnfText.Class(kept);
    }

    private static string Literal(int c) => c switch
    {
        '"' => GbnfText.Literal("\\\""),
        '\\' => GbnfText.Literal("\\\\"),
        < 0x20 => GbnfText.Literal(string.Create(CultureInfo.InvariantCulture, $"\\u{c:x4}")),
        _ => GbnfText.Literal(char.ConvertFromUtf32(c)),
    };

    private bool Peek(char c) => _pos < _pattern.Length && _pattern[_pos] == c;

    private NotSupportedException Unsupported(string what) =>
        new($"pattern '{_pattern}' uses {what} at offset {_pos}, outside the supported subset (literals, classes, \\d \\w \\s, '.', groups, '|', quantifiers)");
}
