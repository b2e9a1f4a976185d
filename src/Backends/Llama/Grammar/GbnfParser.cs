using System.Globalization;

namespace Agents.Backends.Llama.Grammar;

/// <summary>
/// Parses GBNF as llama.cpp does, but stricter: everything llama.cpp rejects is rejected here too (with a line and
/// column), and a few things it accepts but that only hide mistakes (empty alternatives, empty or reversed character
/// classes, duplicate rules, surrogate code points) are rejected as well.
/// </summary>
internal sealed class GbnfParser
{
    /// <summary>llama.cpp's limit on <c>{m,n}</c> counts (MAX_REPETITION_THRESHOLD).</summary>
    public const int MaxRepetition = 2000;

    /// <summary>How deeply parentheses may nest; deeper grammars are refused rather than risking the stack.</summary>
    public const int MaxNesting = 200;

    private readonly string _text;
    private int _pos;
    private int _depth;

    private GbnfParser(string text) => _text = text;

    /// <summary>Parses every rule of <paramref name="text"/>.</summary>
    /// <returns>The rules by name, in order, with the offset of each definition.</returns>
    /// <exception cref="GbnfSyntaxException">The text is not valid GBNF.</exception>
    public static List<(string Name, int Offset, IReadOnlyList<IReadOnlyList<GbnfNode>> Alternatives)> Parse(string text)
    {
        var parser = new GbnfParser(text);
        return parser.ParseRules();
    }

    /// <summary>Turns an offset into a 1-based line and column.</summary>
    public static (int Line, int Column) Position(string text, int offset)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, offset - lineStart + 1);
    }

    private List<(string, int, IReadOnlyList<IReadOnlyList<GbnfNode>>)> ParseRules()
    {
        var rules = new List<(string, int, IReadOnlyList<IReadOnlyList<GbnfNode>>)>();
        SkipSpace(newlineOk: true);
        while (_pos < _text.Length)
        {
            var start = _pos;
            var name = ParseName();
            SkipSpace(newlineOk: false);
            if (!At("::="))
            {
                throw Error("expecting '::='");
            }

            _pos += 3;
            SkipSpace(newlineOk: true);
            var alternatives = ParseAlternatives(nested: false);
            rules.Add((name, start, alternatives));
            if (_pos < _text.Length && _text[_pos] is not ('\n' or '\r'))
            {
                throw Error("expecting newline or end");
            }

            SkipSpace(newlineOk: true);
        }

        return rules;
    }

    private List<IReadOnlyList<GbnfNode>> ParseAlternatives(bool nested)
    {
        var alternatives = new List<IReadOnlyList<GbnfNode>> { ParseSequence(nested) };
        while (_pos < _text.Length && _text[_pos] == '|')
        {
            _pos++;
            SkipSpace(newlineOk: true);
            alternatives.Add(ParseSequence(nested));
        }

        return alternatives;
    }

    private List<GbnfNode> ParseSequence(bool nested)
    {
        var sequence = new List<GbnfNode>();
        var start = _pos;
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            var elementStart = _pos;
            if (c == '"')
            {
                _pos++;
                var codePoints = new List<int>();
                while (true)
                {
                    if (_pos >= _text.Length)
                    {
                        throw Error("unexpected end of input inside a string literal");
                    }

                    if (_text[_pos] == '"')
                    {
                        break;
                    }

                    codePoints.Add(ParseChar());
                }

                _pos++;
                sequence.Add(new GbnfNode.Terminal(TerminalKind.Literal, [.. codePoints]));
            }
            else if (c == '[')
            {
                sequence.Add(ParseCharClass());
            }
            else if (IsWordChar(c))
            {
                var name = ParseName();
                sequence.Add(new GbnfNode.RuleReference(name, elementStart));
            }
            else if (c == '(')
            {
                if (++_depth > MaxNesting)
                {
                    throw Error($"parentheses nested more than {MaxNesting} deep");
                }

                _pos++;
                SkipSpace(newlineOk: true);
                var alternatives = ParseAlternatives(nested: true);
                if (_pos >= _text.Length || _text[_pos] != ')')
                {
                    throw Error("expecting ')'");
                }

                _pos++;
                _depth--;
                sequence.Add(new GbnfNode.Group(alternatives));
            }
            else if (c == '.')
            {
                _pos++;
                sequence.Add(new GbnfNode.Terminal(TerminalKind.Any, []));
            }
            else if (c is '*' or '+' or '?')
            {
                if (sequence.Count == 0)
                {
                    throw Error($"expecting an item before '{c}'");
                }

                _pos++;
                var last = sequence[^1];
                sequence[^1] = new GbnfNode.Repeat(last, c == '+' ? 1 : 0, c == '?' ? 1 : null, elementStart);
            }
            else if (c == '{')
            {
                if (sequence.Count == 0)
                {
                    throw Error("expecting an item before '{'");
                }

                var (min, max) = ParseBraces(nested);
                sequence[^1] = new GbnfNode.Repeat(sequence[^1], min, max, elementStart);
                continue;
            }
            else
            {
                break;
            }

            SkipSpace(newlineOk: nested);
        }

        if (sequence.Count == 0)
        {
            // llama.cpp accepts an empty alternative, but in practice it is nearly always a stray or trailing '|'.
            _pos = start;
            throw Error("empty alternative (write an optional item, \"x\"?, instead)");
        }

        return sequence;
    }

    private (int Min, int? Max) ParseBraces(bool nested)
    {
        _pos++;
        SkipSpace(nested);
        var min = ParseInt();
        SkipSpace(nested);
        int? max;
        if (_pos < _text.Length && _text[_pos] == '}')
        {
            max = min;
        }
        else if (_pos < _text.Length && _text[_pos] == ',')
        {
            _pos++;
            SkipSpace(nested);
            max = _pos < _text.Length && char.IsAsciiDigit(_text[_pos]) ? ParseInt() : null;
            SkipSpace(nested);
            if (_pos >= _text.Length || _text[_pos] != '}')
            {
                throw Error("expecting '}'");
            }
        }
        else
        {
            throw Error("expecting ',' or '}'");
        }

        if (max < min)
        {
            throw Error($"repetition maximum {max} is below its minimum {min}");
        }

        _pos++;
        SkipSpace(nested);
        return (min, max);
    }

    private int ParseInt()
    {
        var start = _pos;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
        {
            _pos++;
        }

        if (_pos == start)
        {
            throw Error("expecting an integer");
        }

        if (_pos - start > 9 || int.Parse(_text.AsSpan(start, _pos - start), CultureInfo.InvariantCulture) > MaxRepetition)
        {
            _pos = start;
            throw Error($"repetition count over {MaxRepetition} (llama.cpp's limit)");
        }

        return int.Parse(_text.AsSpan(start, _pos - start), CultureInfo.InvariantCulture);
    }

    private GbnfNode.Terminal ParseCharClass()
    {
        var start = _pos;
        _pos++;
        var negated = false;
        if (_pos < _text.Length && _text[_pos] == '^')
        {
            _pos++;
            negated = true;
        }

        var ranges = new List<int>();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                _pos = start;
                throw Error("unterminated character class");
            }

            if (_text[_pos] == ']')
            {
                break;
            }

            var rangeStart = _pos;
            var low = ParseChar();
            var high = low;
            if (_pos + 1 < _text.Length && _text[_pos] == '-' && _text[_pos + 1] != ']')
            {
                _pos++;
                high = ParseChar();
                if (high < low)
                {
                    _pos = rangeStart;
                    throw Error("character range is reversed");
                }
            }

            ranges.Add(low);
            ranges.Add(high);
        }

        if (ranges.Count == 0)
        {
            _pos = start;
            throw Error("empty character class");
        }

        _pos++;
        return new GbnfNode.Terminal(negated ? TerminalKind.NegatedCharClass : TerminalKind.CharClass, [.. ranges]);
    }

    /// <summary>Reads one character (or escape) of a literal or class, returning its code point.</summary>
    private int ParseChar()
    {
        var c = _text[_pos];
        if (c == '\\')
        {
            if (_pos + 1 >= _text.Length)
            {
                throw Error("unexpected end of input after '\\'");
            }

            var e = _text[_pos + 1];
            _pos += 2;
            switch (e)
            {
                case 'x':
                    return ParseHex(2);
                case 'u':
                    return ParseHex(4);
                case 'U':
                    return ParseHex(8);
                case 't':
                    return '\t';
                case 'r':
                    return '\r';
                case 'n':
                    return '\n';
                case '\\' or '"' or '[' or ']':
                    return e;
                default:
                    _pos -= 2;
                    throw Error($"unknown escape '\\{e}'");
            }
        }

        if (c == '\0')
        {
            throw Error("NUL character in the grammar text");
        }

        if (char.IsHighSurrogate(c) && _pos + 1 < _text.Length && char.IsLowSurrogate(_text[_pos + 1]))
        {
            _pos += 2;
            return char.ConvertToUtf32(c, _text[_pos - 1]);
        }

        if (char.IsSurrogate(c))
        {
            throw Error("unpaired surrogate in the grammar text");
        }

        _pos++;
        return c;
    }

    private int ParseHex(int digits)
    {
        var start = _pos;
        var value = 0;
        for (var i = 0; i < digits; i++)
        {
            if (_pos >= _text.Length || !char.IsAsciiHexDigit(_text[_pos]))
            {
                throw Error($"expecting {digits} hex digits");
            }

            value = (value * 16) + Convert.ToInt32(_text[_pos].ToString(), 16);
            _pos++;
        }

        if (value > 0x10FFFF || value is >= 0xD800 and <= 0xDFFF)
        {
            _pos = start;
            throw Error($"escape U+{value:X} is not a Unicode scalar value");
        }

        return value;
    }

    private string ParseName()
    {
        var start = _pos;
        while (_pos < _text.Length && IsWordChar(_text[_pos]))
        {
            _pos++;
        }

        if (_pos == start)
        {
            throw Error("expecting a rule name ([a-zA-Z0-9-]+)");
        }

        return _text[start.._pos];
    }

    private void SkipSpace(bool newlineOk)
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c is ' ' or '\t' || (newlineOk && c is '\r' or '\n'))
            {
                _pos++;
            }
            else if (c == '#')
            {
                while (_pos < _text.Length && _text[_pos] is not ('\r' or '\n'))
                {
                    _pos++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private bool At(string token) => string.CompareOrdinal(_text, _pos, token, 0, token.Length) == 0;

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '-';

    private GbnfSyntaxException Error(string problem)
    {
        var (line, column) = Position(_text, _pos);
        var near = _pos < _text.Length ? _text.Substring(_pos, Math.Min(20, _text.Length - _pos)).ReplaceLineEndings(" ") : "end of input";
        return new GbnfSyntaxException($"{problem} (near \"{near}\")", line, column);
    }
}
