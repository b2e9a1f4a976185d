namespace Agents.Safety.Guards;

/// <summary>
/// Finds every occurrence of a fixed set of lower-case ASCII trigger words in one left-to-right pass (an
/// Aho–Corasick automaton compiled to a full transition table), folding case as it reads: one table look-up per
/// character however many triggers there are, and no lower-cased copy of the text.
/// </summary>
/// <remarks>
/// Characters outside ASCII fold with <see cref="char.ToLowerInvariant(char)"/> when that gives ASCII (the Kelvin
/// sign reads as "k"), and typographic apostrophes read as "'"; anything else matches no trigger. Linear in the
/// text plus the number of occurrences. Immutable and thread-safe once built.
/// </remarks>
internal sealed class TriggerAutomaton
{
    private const int Root = 0;

    // Symbol 0 stands for every character that occurs in no trigger: from any state it leads back to the root.
    private readonly byte[] _symbolOf = new byte[128];
    private readonly int _symbolCount;

    // _next[offset + symbol] is the next state's offset (state × symbol count), bitwise-complemented when that state
    // reports triggers: one load and one sign test per character.
    private readonly int[] _next;
    private readonly int[]?[] _outputs;
    private readonly int[] _lengths;

    /// <summary>Builds the automaton.</summary>
    /// <param name="triggers">The trigger words: non-empty, lower-case ASCII; their index is the id reported.</param>
    /// <exception cref="ArgumentException">A trigger is empty, not ASCII or not lower case.</exception>
    public TriggerAutomaton(IReadOnlyList<string> triggers)
    {
        ArgumentNullException.ThrowIfNull(triggers);
        Triggers = triggers;
        _lengths = [.. triggers.Select(t => t.Length)];
        var symbols = 1;
        foreach (var trigger in triggers)
        {
            if (trigger.Length == 0 || !System.Text.Ascii.IsValid(trigger) || trigger.Any(char.IsAsciiLetterUpper))
            {
                throw new ArgumentException($"Trigger '{trigger}' must be non-empty lower-case ASCII.", nameof(triggers));
            }

            foreach (var c in trigger)
            {
                if (_symbolOf[c] == 0)
                {
                    _symbolOf[c] = (byte)symbols++;
                }
            }
        }

        for (var c = 'A'; c <= 'Z'; c++)
        {
            _symbolOf[c] = _symbolOf[char.ToLowerInvariant(c)];
        }

        _symbolCount = symbols;

        // The trie: children by symbol, the triggers that end at each node.
        var children = new List<int[]> { new int[symbols] };
        var ends = new List<List<int>?> { null };
        for (var id = 0; id < triggers.Count; id++)
        {
            var state = Root;
            foreach (var c in triggers[id])
            {
                var symbol = _symbolOf[c];
                if (children[state][symbol] == 0)
                {
                    children[state][symbol] = children.Count;
                    children.Add(new int[symbols]);
                    ends.Add(null);
                }

                state = children[state][symbol];
            }

            (ends[state] ??= []).Add(id);
        }

        // Breadth first: each state's failure link is the longest proper suffix that is also a trie path; missing
        // transitions borrow the failure state's, which turns the trie into a complete table.
        _next = new int[children.Count * symbols];
        _outputs = new int[]?[children.Count];
        var failure = new int[children.Count];
        var queue = new Queue<int>();
        for (var symbol = 1; symbol < symbols; symbol++)
        {
            var child = children[Root][symbol];
            _next[symbol] = child;
            if (child != 0)
            {
                queue.Enqueue(child);
            }
        }

        _outputs[Root] = null;
        while (queue.Count > 0)
        {
            var state = queue.Dequeue();
            var own = ends[state];
            var inherited = _outputs[failure[state]];
            _outputs[state] = own is null ? inherited : [.. own, .. inherited ?? []];
            for (var symbol = 1; symbol < symbols; symbol++)
            {
                var child = children[state][symbol];
                var viaFailure = _next[(failure[state] * symbols) + symbol];
                if (child == 0)
                {
                    _next[(state * symbols) + symbol] = viaFailure;
                }
                else
                {
                    _next[(state * symbols) + symbol] = child;
                    failure[child] = viaFailure;
                    queue.Enqueue(child);
                }
            }
        }

        for (var k = 0; k < _next.Length; k++)
        {
            var target = _next[k];
            _next[k] = _outputs[target] is null ? target * symbols : ~(target * symbols);
        }
    }

    /// <summary>Gets the trigger words; a hit's <see cref="TriggerHit.Trigger"/> indexes this list.</summary>
    public IReadOnlyList<string> Triggers { get; }

    /// <summary>Adds every occurrence of every trigger in <paramref name="text"/> to <paramref name="hits"/>, in order of where they end.</summary>
    /// <param name="text">The text, in any case.</param>
    /// <param name="hits">Receives the occurrences.</param>
    public void FindAll(ReadOnlySpan<char> text, List<TriggerHit> hits)
    {
        var next = _next;
        var symbolOf = _symbolOf;
        var offset = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var target = next[offset + (c < 128 ? symbolOf[c] : SymbolOfNonAscii(c))];
            if (target >= 0)
            {
                offset = target;
                continue;
            }

            offset = ~target;
            foreach (var id in _outputs[offset / _symbolCount]!)
            {
                hits.Add(new TriggerHit(id, i + 1 - _lengths[id], _lengths[id]));
            }
        }
    }

    private int SymbolOfNonAscii(char c)
    {
        if (c is '\u2018' or '\u2019')
        {
            return _symbolOf['\''];
        }

        var lower = char.ToLowerInvariant(c);
        return lower < 128 ? _symbolOf[lower] : 0;
    }
}
