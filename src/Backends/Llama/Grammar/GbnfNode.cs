namespace Agents.Backends.Llama.Grammar;

/// <summary>One element of a parsed GBNF rule: checked as a whole (references, left recursion), then compiled by <see cref="GrammarMatcher"/>.</summary>
internal abstract record GbnfNode
{
    /// <summary>A terminal: a literal (its code points), a character class (inclusive ranges as low/high pairs), or any character.</summary>
    /// <param name="Kind">What the terminal matches.</param>
    /// <param name="Values">A literal's code points, or a class's ranges as consecutive low/high pairs; empty for <see cref="TerminalKind.Any"/>.</param>
    public sealed record Terminal(TerminalKind Kind, int[] Values) : GbnfNode
    {
        /// <summary>Gets whether the terminal matches the empty string (only an empty literal does).</summary>
        public bool CanBeEmpty => Kind == TerminalKind.Literal && Values.Length == 0;
    }

    /// <summary>A reference to a rule, with where it was written.</summary>
    public sealed record RuleReference(string Name, int Offset) : GbnfNode;

    /// <summary>A parenthesised set of alternatives.</summary>
    public sealed record Group(IReadOnlyList<IReadOnlyList<GbnfNode>> Alternatives) : GbnfNode;

    /// <summary>An element repeated between <paramref name="Min"/> and <paramref name="Max"/> times (no maximum when null).</summary>
    public sealed record Repeat(GbnfNode Inner, int Min, int? Max, int Offset) : GbnfNode;
}

/// <summary>The kinds of GBNF terminal.</summary>
internal enum TerminalKind
{
    /// <summary>A quoted string: its characters in order.</summary>
    Literal,

    /// <summary>A <c>[...]</c> class: one character inside one of its ranges.</summary>
    CharClass,

    /// <summary>A <c>[^...]</c> class: one character outside all of its ranges.</summary>
    NegatedCharClass,

    /// <summary><c>.</c>: any one character.</summary>
    Any,
}
