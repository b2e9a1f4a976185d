namespace Agents.Backends.Llama.Grammar;

/// <summary>
/// A GBNF grammar (llama.cpp's grammar format) that has passed the SDK's own checks: it parses, every referenced rule
/// is defined, the root rule exists, and no rule is left-recursive. Only grammars of this type constrain decoding.
/// </summary>
/// <remarks>
/// The local backend applies grammars with its own matcher (llama.cpp's semantics); llama.cpp never sees them. That
/// matters because LLamaSharp 0.30.0 hands a grammar straight to llama.cpp, which on a grammar it cannot parse (or an
/// unknown root rule) takes the whole process down at the first sampled token. <see cref="Parse"/> is stricter than
/// llama.cpp, so a grammar it accepts is one llama.cpp accepts too (and can be sent to llama.cpp's server).
/// </remarks>
public sealed class GbnfGrammar
{
    /// <summary>The longest grammar text accepted, in characters.</summary>
    public const int MaxLength = 4 * 1024 * 1024;

    private readonly Lock _compileLock = new();
    private CompiledGrammar? _compiled;

    private GbnfGrammar(string text, string root, IReadOnlyList<string> ruleNames, IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<GbnfNode>>> rules)
    {
        Text = text;
        Root = root;
        RuleNames = ruleNames;
        Rules = rules;
    }

    /// <summary>Gets the grammar's text.</summary>
    public string Text { get; }

    /// <summary>Gets the name of the rule generation starts from.</summary>
    public string Root { get; }

    /// <summary>Gets the names of the grammar's rules, in the order they are defined.</summary>
    public IReadOnlyList<string> RuleNames { get; }

    /// <summary>Gets the parsed rules by name.</summary>
    internal IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<GbnfNode>>> Rules { get; }

    /// <summary>Parses and checks a GBNF grammar.</summary>
    /// <param name="text">The grammar text.</param>
    /// <param name="root">The rule generation starts from.</param>
    /// <returns>The checked grammar.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> or <paramref name="root"/> is <see langword="null"/>.</exception>
    /// <exception cref="GbnfSyntaxException">
    /// The grammar is malformed (the message gives line and column), refers to an undefined rule, has no rule named
    /// <paramref name="root"/>, defines a rule twice, or is left-recursive.
    /// </exception>
    public static GbnfGrammar Parse(string text, string root = "root")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(root);
        if (text.Length > MaxLength)
        {
            throw new GbnfSyntaxException($"The grammar is {text.Length} characters long, over the {MaxLength} accepted.");
        }

        var parsed = GbnfParser.Parse(text);
        var rules = new Dictionary<string, IReadOnlyList<IReadOnlyList<GbnfNode>>>(StringComparer.Ordinal);
        foreach (var (name, offset, alternatives) in parsed)
        {
            if (!rules.TryAdd(name, alternatives))
            {
                var (line, column) = GbnfParser.Position(text, offset);
                throw new GbnfSyntaxException($"rule '{name}' is defined twice", line, column);
            }
        }

        foreach (var (_, _, alternatives) in parsed)
        {
            foreach (var reference in References(alternatives))
            {
                if (!rules.ContainsKey(reference.Name))
                {
                    var (line, column) = GbnfParser.Position(text, reference.Offset);
                    throw new GbnfSyntaxException($"undefined rule '{reference.Name}'", line, column);
                }
            }
        }

        if (!rules.ContainsKey(root))
        {
            throw new GbnfSyntaxException($"The grammar has no root rule '{root}'.");
        }

        GbnfRecursionCheck.ThrowIfLeftRecursive(text, parsed, rules);
        return new GbnfGrammar(text, root, [.. parsed.Select(r => r.Name)], rules);
    }

    /// <summary>Parses and checks a GBNF grammar, without throwing.</summary>
    /// <param name="text">The grammar text.</param>
    /// <param name="root">The rule generation starts from.</param>
    /// <param name="grammar">The checked grammar, when valid.</param>
    /// <param name="error">What is wrong, when invalid.</param>
    /// <returns>Whether the grammar is valid.</returns>
    public static bool TryParse(string text, string root, out GbnfGrammar? grammar, out GbnfSyntaxException? error)
    {
        try
        {
            grammar = Parse(text, root);
            error = null;
            return true;
        }
        catch (GbnfSyntaxException e)
        {
            grammar = null;
            error = e;
            return false;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Text;

    /// <summary>The grammar compiled for <see cref="GrammarMatcher"/> (element arrays, no mutable state), built once and shared by every matcher over it.</summary>
    internal CompiledGrammar Compile()
    {
        lock (_compileLock)
        {
            return _compiled ??= CompiledGrammar.From(this);
        }
    }

    internal static IEnumerable<GbnfNode.RuleReference> References(IEnumerable<IReadOnlyList<GbnfNode>> alternatives)
    {
        var pending = new Stack<GbnfNode>(alternatives.SelectMany(a => a));
        while (pending.TryPop(out var node))
        {
            switch (node)
            {
                case GbnfNode.RuleReference reference:
                    yield return reference;
                    break;
                case GbnfNode.Group group:
                    foreach (var child in group.Alternatives.SelectMany(a => a))
                    {
                        pending.Push(child);
                    }

                    break;
                case GbnfNode.Repeat repeat:
                    pending.Push(repeat.Inner);
                    break;
                default:
                    break;
            }
        }
    }
}
