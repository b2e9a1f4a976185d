namespace Agents.Backends.Llama.Grammar;

/// <summary>One element of a parsed GBNF rule, kept only to check the grammar as a whole (references, left recursion).</summary>
internal abstract record GbnfNode
{
    /// <summary>A terminal that consumes at least one character when <see cref="CanBeEmpty"/> is false.</summary>
    public sealed record Terminal(bool CanBeEmpty) : GbnfNode;

    /// <summary>A reference to a rule, with where it was written.</summary>
    public sealed record RuleReference(string Name, int Offset) : GbnfNode;

    /// <summary>A parenthesised set of alternatives.</summary>
    public sealed record Group(IReadOnlyList<IReadOnlyList<GbnfNode>> Alternatives) : GbnfNode;

    /// <summary>An element repeated between <paramref name="Min"/> and <paramref name="Max"/> times (no maximum when null).</summary>
    public sealed record Repeat(GbnfNode Inner, int Min, int? Max, int Offset) : GbnfNode;
}
