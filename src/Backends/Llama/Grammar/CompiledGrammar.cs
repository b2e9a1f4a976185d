namespace Agents.Backends.Llama.Grammar;

/// <summary>
/// A checked grammar flattened the way llama.cpp flattens it: each rule is a run of elements (characters, ranges,
/// rule references) with <see cref="ElementType.Alt"/> between alternatives and <see cref="ElementType.End"/> after
/// the last; groups become generated rules and repetitions are rewritten into chains of generated rules
/// (<c>S{m,n}</c> is m copies of S followed by n−m nested optional rules; <c>S*</c> is <c>R ::= S R | </c>).
/// A position in this array is what a parse stack holds. Immutable.
/// </summary>
internal sealed class CompiledGrammar
{
    private CompiledGrammar(ElementType[] types, int[] values, int[] ruleStarts, int root)
    {
        Types = types;
        Values = values;
        RuleStarts = ruleStarts;
        Root = root;
    }

    /// <summary>The kinds of element, as llama.cpp's <c>llama_gretype</c>.</summary>
    public enum ElementType : byte
    {
        /// <summary>Ends a rule.</summary>
        End,

        /// <summary>Starts another alternative of the rule.</summary>
        Alt,

        /// <summary>A reference to the rule whose index is the value.</summary>
        RuleRef,

        /// <summary>A character (the value), or the first of a class's characters.</summary>
        Char,

        /// <summary>The first character of a negated class.</summary>
        CharNot,

        /// <summary>Makes the preceding character the low end of a range up to the value.</summary>
        CharRangeUpper,

        /// <summary>Another character of the same class.</summary>
        CharAlt,

        /// <summary>Any character.</summary>
        CharAny,
    }

    /// <summary>Gets each element's type.</summary>
    public ElementType[] Types { get; }

    /// <summary>Gets each element's value (a code point or a rule index).</summary>
    public int[] Values { get; }

    /// <summary>Gets where each rule's elements start.</summary>
    public int[] RuleStarts { get; }

    /// <summary>Gets the root rule's index.</summary>
    public int Root { get; }

    /// <summary>Flattens a checked grammar.</summary>
    public static CompiledGrammar From(GbnfGrammar grammar)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        var builder = new Builder(grammar);
        return builder.Build();
    }

    /// <summary>Whether the element at <paramref name="position"/> ends an alternative.</summary>
    public bool IsEndOfSequence(int position) => Types[position] is ElementType.End or ElementType.Alt;

    /// <summary>
    /// Whether the character element at <paramref name="position"/> matches <paramref name="codePoint"/>, and the
    /// position after the whole class (llama.cpp's <c>llama_grammar_match_char</c>).
    /// </summary>
    public bool Match(int position, int codePoint, out int after)
    {
        var found = false;
        var positive = Types[position] is ElementType.Char or ElementType.CharAny;
        var pos = position;
        do
        {
            if (Types[pos + 1] == ElementType.CharRangeUpper)
            {
                found = found || (Values[pos] <= codePoint && codePoint <= Values[pos + 1]);
                pos += 2;
            }
            else if (Types[pos] == ElementType.CharAny)
            {
                found = true;
                pos += 1;
            }
            else
            {
                found = found || Values[pos] == codePoint;
                pos += 1;
            }
        }
        while (Types[pos] == ElementType.CharAlt);

        after = pos;
        return found == positive;
    }

    /// <summary>
    /// Whether an incomplete UTF-8 sequence (<paramref name="remaining"/> continuation bytes still to come after the
    /// bits in <paramref name="value"/>) could complete to a character the element at <paramref name="position"/>
    /// accepts, by llama.cpp's rule (<c>llama_grammar_match_partial_char</c>): the range of code points it could become
    /// overlaps one of the class's ranges.
    /// </summary>
    public bool MatchPartial(int position, uint value, int remaining)
    {
        var positive = Types[position] is ElementType.Char or ElementType.CharAny;

        // An invalid sequence, or a 7-bit character spread over two bytes (overlong).
        if (remaining < 0 || (remaining == 1 && value < 2))
        {
            return false;
        }

        var low = value << (remaining * 6);
        var high = low | ((1u << (remaining * 6)) - 1);
        if (low == 0)
        {
            low = remaining switch
            {
                2 => 1u << 11,
                3 => 1u << 16,
                _ => low,
            };
        }

        var pos = position;
        do
        {
            if (Types[pos] == ElementType.CharAny)
            {
                return true;
            }

            if (Types[pos + 1] == ElementType.CharRangeUpper)
            {
                if ((uint)Values[pos] <= high && low <= (uint)Values[pos + 1])
                {
                    return positive;
                }

                pos += 2;
            }
            else
            {
                if (low <= (uint)Values[pos] && (uint)Values[pos] <= high)
                {
                    return positive;
                }

                pos += 1;
            }
        }
        while (Types[pos] == ElementType.CharAlt);

        return !positive;
    }

    private sealed class Builder(GbnfGrammar grammar)
    {
        private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
        private readonly List<List<(ElementType, int)>?> _rules = [];

        public CompiledGrammar Build()
        {
            foreach (var name in grammar.RuleNames)
            {
                _ids[name] = _rules.Count;
                _rules.Add(null);
            }

            foreach (var name in grammar.RuleNames)
            {
                _rules[_ids[name]] = CompileAlternatives(grammar.Rules[name]);
            }

            var types = new List<ElementType>();
            var values = new List<int>();
            var starts = new int[_rules.Count];
            for (var i = 0; i < _rules.Count; i++)
            {
                starts[i] = types.Count;
                foreach (var (type, value) in _rules[i]!)
                {
                    types.Add(type);
                    values.Add(value);
                }
            }

            return new CompiledGrammar([.. types], [.. values], starts, _ids[grammar.Root]);
        }

        private List<(ElementType, int)> CompileAlternatives(IReadOnlyList<IReadOnlyList<GbnfNode>> alternatives)
        {
            var rule = new List<(ElementType, int)>();
            for (var i = 0; i < alternatives.Count; i++)
            {
                if (i > 0)
                {
                    rule.Add((ElementType.Alt, 0));
                }

                foreach (var node in alternatives[i])
                {
                    rule.AddRange(CompileSymbol(node));
                }
            }

            rule.Add((ElementType.End, 0));
            return rule;
        }

        private int AddRule(List<(ElementType, int)>? rule)
        {
            _rules.Add(rule);
            return _rules.Count - 1;
        }

        private List<(ElementType, int)> CompileSymbol(GbnfNode node)
        {
            switch (node)
            {
                case GbnfNode.Terminal terminal:
                    return CompileTerminal(terminal);
                case GbnfNode.RuleReference reference:
                    return [(ElementType.RuleRef, _ids[reference.Name])];
                case GbnfNode.Group group:
                    {
                        var id = AddRule(null);
                        _rules[id] = CompileAlternatives(group.Alternatives);
                        return [(ElementType.RuleRef, id)];
                    }

                case GbnfNode.Repeat repeat:
                    return CompileRepeat(CompileSymbol(repeat.Inner), repeat.Min, repeat.Max);
                default:
                    throw new InvalidOperationException($"Unknown grammar node {node.GetType().Name}.");
            }
        }

        private static List<(ElementType, int)> CompileTerminal(GbnfNode.Terminal terminal)
        {
            var elements = new List<(ElementType, int)>();
            switch (terminal.Kind)
            {
                case TerminalKind.Literal:
                    elements.AddRange(terminal.Values.Select(c => (ElementType.Char, c)));
                    break;
                case TerminalKind.Any:
                    elements.Add((ElementType.CharAny, 0));
                    break;
                default:
                    for (var i = 0; i < terminal.Values.Length; i += 2)
                    {
                        var first = i == 0 ? (terminal.Kind == TerminalKind.NegatedCharClass ? ElementType.CharNot : ElementType.Char) : ElementType.CharAlt;
                        elements.Add((first, terminal.Values[i]));
                        if (terminal.Values[i + 1] != terminal.Values[i])
                        {
                            elements.Add((ElementType.CharRangeUpper, terminal.Values[i + 1]));
                        }
                    }

                    break;
            }

            return elements;
        }

        // llama.cpp's rewrite: S{m,n} -> S×m then S'(n-m) with S'(k) ::= S S'(k-1) | and S'(1) ::= S | ; S{m,} -> S×m S' with S' ::= S S' | .
        private List<(ElementType, int)> CompileRepeat(List<(ElementType, int)> symbol, int min, int? max)
        {
            var elements = new List<(ElementType, int)>();
            for (var i = 0; i < min; i++)
            {
                elements.AddRange(symbol);
            }

            if (max is null)
            {
                var id = AddRule(null);
                _rules[id] = [.. symbol, (ElementType.RuleRef, id), (ElementType.Alt, 0), (ElementType.End, 0)];
                elements.Add((ElementType.RuleRef, id));
                return elements;
            }

            var last = -1;
            for (var i = 0; i < max.Value - min; i++)
            {
                var rule = new List<(ElementType, int)>(symbol);
                if (last >= 0)
                {
                    rule.Add((ElementType.RuleRef, last));
                }

                rule.Add((ElementType.Alt, 0));
                rule.Add((ElementType.End, 0));
                last = AddRule(rule);
            }

            if (last >= 0)
            {
                elements.Add((ElementType.RuleRef, last));
            }

            return elements;
        }
    }
}
