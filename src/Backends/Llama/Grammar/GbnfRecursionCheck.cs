namespace Agents.Backends.Llama.Grammar;

/// <summary>
/// Finds left recursion, which llama.cpp refuses: a rule that can reach itself without consuming a character, either
/// through references at the start of an alternative (after items that can be empty) or through an unbounded
/// repetition of something that can be empty (llama.cpp rewrites <c>x*</c> into the rule <c>r ::= x r | </c>).
/// </summary>
internal static class GbnfRecursionCheck
{
    public static void ThrowIfLeftRecursive(
        string text,
        List<(string Name, int Offset, IReadOnlyList<IReadOnlyList<GbnfNode>> Alternatives)> parsed,
        Dictionary<string, IReadOnlyList<IReadOnlyList<GbnfNode>>> rules)
    {
        var nullable = ComputeNullable(rules);

        // Edges: rule -> rules it can start with.
        var edges = new Dictionary<string, List<(string Target, int Offset)>>(StringComparer.Ordinal);
        foreach (var (name, _, alternatives) in parsed)
        {
            var targets = new List<(string, int)>();
            foreach (var alternative in alternatives)
            {
                LeftReferences(alternative, nullable, targets, text);
            }

            edges[name] = targets;
        }

        // Iterative depth-first search for a cycle (0 = unvisited, 1 = on the path, 2 = done).
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (start, _, _) in parsed)
        {
            if (state.GetValueOrDefault(start) != 0)
            {
                continue;
            }

            var stack = new Stack<(string Rule, int Next)>();
            stack.Push((start, 0));
            state[start] = 1;
            while (stack.Count > 0)
            {
                var (rule, next) = stack.Pop();
                var targets = edges[rule];
                if (next < targets.Count)
                {
                    stack.Push((rule, next + 1));
                    var (target, offset) = targets[next];
                    var targetState = state.GetValueOrDefault(target);
                    if (targetState == 1)
                    {
                        var (line, column) = GbnfParser.Position(text, offset);
                        throw new GbnfSyntaxException($"left recursion: rule '{target}' can reach itself through '{rule}' without consuming input", line, column);
                    }

                    if (targetState == 0)
                    {
                        state[target] = 1;
                        stack.Push((target, 0));
                    }
                }
                else
                {
                    state[rule] = 2;
                }
            }
        }
    }

    private static HashSet<string> ComputeNullable(Dictionary<string, IReadOnlyList<IReadOnlyList<GbnfNode>>> rules)
    {
        var nullable = new HashSet<string>(StringComparer.Ordinal);
        bool changed;
        do
        {
            changed = false;
            foreach (var (name, alternatives) in rules)
            {
                if (!nullable.Contains(name) && alternatives.Any(a => a.All(n => IsNullable(n, nullable))))
                {
                    nullable.Add(name);
                    changed = true;
                }
            }
        }
        while (changed);
        return nullable;
    }

    // Iterative over nesting is unnecessary: the parser bounds nesting depth.
    private static bool IsNullable(GbnfNode node, HashSet<string> nullable) => node switch
    {
        GbnfNode.Terminal t => t.CanBeEmpty,
        GbnfNode.RuleReference r => nullable.Contains(r.Name),
        GbnfNode.Group g => g.Alternatives.Any(a => a.All(n => IsNullable(n, nullable))),
        GbnfNode.Repeat r => r.Min == 0 || IsNullable(r.Inner, nullable),
        _ => false,
    };

    private static void LeftReferences(IReadOnlyList<GbnfNode> sequence, HashSet<string> nullable, List<(string, int)> targets, string text)
    {
        foreach (var node in sequence)
        {
            LeftReferences(node, nullable, targets, text);
            if (!IsNullable(node, nullable))
            {
                return;
            }
        }
    }

    private static void LeftReferences(GbnfNode node, HashSet<string> nullable, List<(string, int)> targets, string text)
    {
        switch (node)
        {
            case GbnfNode.RuleReference r:
                targets.Add((r.Name, r.Offset));
                break;
            case GbnfNode.Group g:
                foreach (var alternative in g.Alternatives)
                {
                    LeftReferences(alternative, nullable, targets, text);
                }

                break;
            case GbnfNode.Repeat r:
                if (r.Max is null && IsNullable(r.Inner, nullable))
                {
                    var (line, column) = GbnfParser.Position(text, r.Offset);
                    throw new GbnfSyntaxException("an unbounded repetition of an item that can be empty (llama.cpp sees left recursion)", line, column);
                }

                LeftReferences(r.Inner, nullable, targets, text);
                break;
            default:
                break;
        }
    }
}
