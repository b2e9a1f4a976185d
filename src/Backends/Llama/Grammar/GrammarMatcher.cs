namespace Agents.Backends.Llama.Grammar;

/// <summary>
/// A managed grammar matcher with llama.cpp's semantics: the state is a set of parse stacks (positions in rule
/// alternatives, each topped by a character element, or empty when the grammar is complete) plus an unfinished UTF-8
/// sequence, exactly as llama.cpp's grammar sampler keeps it. States are interned, and what is derived from them is
/// cached: the next state per code point, and the set of allowed tokens, computed by walking the vocabulary's byte trie
/// against the stacks and pruning every prefix the grammar refuses. JSON grammars revisit the same states constantly
/// (inside a string, after a comma), so most masks come from the cache. One instance per generation; not thread-safe.
/// </summary>
internal sealed class GrammarMatcher
{
    /// <summary>How many states the caches may hold before they stop growing (a guard against pathological grammars).</summary>
    public const int MaxCachedStates = 100_000;

    private static readonly int[] Utf8Length = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 2, 2, 3, 4];

    private readonly CompiledGrammar _grammar;
    private readonly GrammarVocabulary _vocabulary;

    // Parse stacks as an interned linked list: stack id -> (top position, rest of the stack); id 0 is the empty stack.
    private readonly List<int> _stackTop = [-1];
    private readonly List<int> _stackRest = [-1];
    private readonly Dictionary<long, int> _stackIds = [];
    private readonly List<int[]?> _advanced = [null];
    private readonly Dictionary<int[], State> _states = new(StackSetComparer.Instance);
    private readonly Stack<Frame> _walk = new();

    private State _state;
    private uint _partialValue;
    private int _partialRemaining;

    /// <param name="grammar">The compiled grammar.</param>
    /// <param name="vocabulary">The model's vocabulary.</param>
    public GrammarMatcher(CompiledGrammar grammar, GrammarVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        ArgumentNullException.ThrowIfNull(vocabulary);
        _grammar = grammar;
        _vocabulary = vocabulary;

        // llama_grammar_init: one stack per alternative of the root rule, each advanced to its first character.
        var stacks = new List<int>();
        var pos = grammar.RuleStarts[grammar.Root];
        while (true)
        {
            var stack = grammar.IsEndOfSequence(pos) ? 0 : Push(0, pos);
            stacks.AddRange(Advance(stack));
            while (!grammar.IsEndOfSequence(pos))
            {
                pos++;
            }

            if (grammar.Types[pos] != CompiledGrammar.ElementType.Alt)
            {
                break;
            }

            pos++;
        }

        _state = Intern(stacks) ?? throw new InvalidOperationException("The grammar admits nothing.");
    }

    /// <summary>Gets whether the grammar can be complete here (so an end-of-generation token is allowed).</summary>
    public bool CanEnd => _state.CanEnd;

    /// <summary>Gets how many tokens the vocabulary has.</summary>
    public int VocabularySize => _vocabulary.Size;

    /// <summary>Gets how many distinct states have been seen.</summary>
    public int StateCount => _states.Count;

    /// <summary>Gets how many allowed-token sets were computed by walking the trie (the rest came from the cache).</summary>
    public int TrieWalks { get; private set; }

    /// <summary>Whether the grammar allows <paramref name="token"/> next.</summary>
    public bool Allows(int token)
    {
        if (_vocabulary.IsEndOfGeneration[token])
        {
            return _state.CanEnd;
        }

        return Consume(_vocabulary.Pieces[token], out _, out _, out _, out _);
    }

    /// <summary>The tokens the grammar allows next, as a bit set over the vocabulary (shared: do not modify).</summary>
    public ulong[] AllowedTokens(out int count)
    {
        if (_partialRemaining == 0 && _state.Allowed is { } cached)
        {
            count = _state.AllowedCount;
            return cached;
        }

        var allowed = Walk(_state, _partialValue, _partialRemaining, out count);
        if (_partialRemaining == 0 && _states.Count < MaxCachedStates)
        {
            _state.Allowed = allowed;
            _state.AllowedCount = count;
        }

        return allowed;
    }

    /// <summary>Advances past <paramref name="token"/>, which must be allowed.</summary>
    /// <exception cref="InvalidOperationException">The grammar does not allow the token.</exception>
    public void Accept(int token)
    {
        if (_vocabulary.IsEndOfGeneration[token])
        {
            if (!_state.CanEnd)
            {
                throw new InvalidOperationException("End of generation accepted before the grammar is complete.");
            }

            return;
        }

        if (!Consume(_vocabulary.Pieces[token], out var state, out var value, out var remaining, out var codePoints))
        {
            throw new InvalidOperationException($"Token {token} accepted although the grammar does not allow it.");
        }

        // llama.cpp drops the completed (empty) stacks whenever it accepts a token, even one that only extends an
        // unfinished UTF-8 sequence: after such a token, end of generation is no longer allowed.
        if (codePoints == 0 && state.CanEnd)
        {
            state = Intern([.. state.Stacks.Where(s => s != 0)]) ?? throw new InvalidOperationException($"Token {token} leaves no parse stack.");
        }

        _state = state;
        _partialValue = remaining == 0 ? 0 : value;
        _partialRemaining = remaining;
    }

    // One UTF-8 byte as llama.cpp's decode_utf8 reads it: 1 = a code point completed, 0 = more bytes needed,
    // -1 = invalid. Only the bytes continuing the sequence left unfinished by earlier tokens are validated.
    private static int Step(byte b, ref uint value, ref int remaining, ref bool validating, out int codePoint)
    {
        codePoint = 0;
        if (remaining > 0)
        {
            if (validating && (b >> 6) != 2)
            {
                return -1;
            }

            value = (value << 6) + (uint)(b & 0x3F);
            if (--remaining > 0)
            {
                return 0;
            }

            validating = false;
            codePoint = (int)value;
            return 1;
        }

        remaining = Utf8Length[b >> 4] - 1;
        if (remaining < 0)
        {
            return -1;
        }

        value = (uint)(b & ((1 << (7 - remaining)) - 1));
        if (remaining > 0)
        {
            return 0;
        }

        codePoint = (int)value;
        return 1;
    }

    private bool Consume(byte[] piece, out State state, out uint value, out int remaining, out int codePoints)
    {
        codePoints = 0;
        state = _state;
        value = _partialValue;
        remaining = _partialRemaining;
        if (piece.Length == 0)
        {
            return false;
        }

        var validating = remaining > 0;
        foreach (var b in piece)
        {
            var step = Step(b, ref value, ref remaining, ref validating, out var codePoint);
            if (step < 0)
            {
                return false;
            }

            if (step > 0)
            {
                if (Next(state, codePoint) is not { } next)
                {
                    return false;
                }

                state = next;
                codePoints++;
            }
        }

        return remaining == 0 || MatchesPartial(state, value, remaining);
    }

    private bool MatchesPartial(State state, uint value, int remaining)
    {
        foreach (var stack in state.Stacks)
        {
            if (stack != 0 && _grammar.MatchPartial(_stackTop[stack], value, remaining))
            {
                return true;
            }
        }

        return false;
    }

    private ulong[] Walk(State start, uint startValue, int startRemaining, out int count)
    {
        TrieWalks++;
        var vocabulary = _vocabulary;
        var allowed = new ulong[(vocabulary.Size + 63) / 64];
        count = 0;
        if (start.CanEnd)
        {
            foreach (var token in vocabulary.EndOfGeneration)
            {
                allowed[token >> 6] |= 1UL << token;
                count++;
            }
        }

        _walk.Clear();
        _walk.Push(new Frame(0, start, startValue, startRemaining, startRemaining > 0));
        while (_walk.TryPop(out var frame))
        {
            for (var child = vocabulary.FirstChild[frame.Node]; child >= 0; child = vocabulary.NextSibling[child])
            {
                var value = frame.Value;
                var remaining = frame.Remaining;
                var validating = frame.Validating;
                var state = frame.State;
                var step = Step(vocabulary.Label[child], ref value, ref remaining, ref validating, out var codePoint);
                if (step < 0)
                {
                    continue;
                }

                if (step > 0)
                {
                    var next = Next(state, codePoint);
                    if (next is null)
                    {
                        continue;
                    }

                    state = next;
                }

                var tokens = vocabulary.TokenCount[child];
                if (tokens > 0 && (remaining == 0 || MatchesPartial(state, value, remaining)))
                {
                    var first = vocabulary.TokenStart[child];
                    for (var i = 0; i < tokens; i++)
                    {
                        var token = vocabulary.NodeTokens[first + i];
                        allowed[token >> 6] |= 1UL << token;
                    }

                    count += tokens;
                }

                if (vocabulary.FirstChild[child] >= 0)
                {
                    _walk.Push(new Frame(child, state, value, remaining, validating));
                }
            }
        }

        return allowed;
    }

    // The state after one code point, or null when no stack accepts it (llama_grammar_accept over every stack).
    private State? Next(State state, int codePoint)
    {
        if (codePoint is >= 0 and < 128)
        {
            var ascii = state.Ascii ??= new State?[128];
            if (ascii[codePoint] is { } known)
            {
                return known.IsDead ? null : known;
            }

            var computed = ComputeNext(state, codePoint);
            if (_states.Count < MaxCachedStates)
            {
                ascii[codePoint] = computed ?? State.Dead;
            }

            return computed;
        }

        var other = state.Other ??= [];
        if (other.TryGetValue(codePoint, out var cached))
        {
            return cached.IsDead ? null : cached;
        }

        var result = ComputeNext(state, codePoint);
        if (_states.Count < MaxCachedStates)
        {
            other[codePoint] = result ?? State.Dead;
        }

        return result;
    }

    private State? ComputeNext(State state, int codePoint)
    {
        var next = new List<int>();
        foreach (var stack in state.Stacks)
        {
            if (stack == 0 || !_grammar.Match(_stackTop[stack], codePoint, out var after))
            {
                continue;
            }

            var rest = _stackRest[stack];
            next.AddRange(Advance(_grammar.IsEndOfSequence(after) ? rest : Push(rest, after)));
        }

        return Intern(next);
    }

    private State? Intern(List<int> stacks)
    {
        if (stacks.Count == 0)
        {
            return null;
        }

        stacks.Sort();
        var distinct = 1;
        for (var i = 1; i < stacks.Count; i++)
        {
            if (stacks[i] != stacks[distinct - 1])
            {
                stacks[distinct++] = stacks[i];
            }
        }

        var key = stacks.GetRange(0, distinct).ToArray();
        if (_states.TryGetValue(key, out var state))
        {
            return state;
        }

        state = new State(key);
        if (_states.Count < MaxCachedStates)
        {
            _states.Add(key, state);
        }

        return state;
    }

    private int Push(int rest, int position)
    {
        var key = ((long)position << 32) | (uint)rest;
        if (!_stackIds.TryGetValue(key, out var id))
        {
            id = _stackTop.Count;
            _stackTop.Add(position);
            _stackRest.Add(rest);
            _advanced.Add(null);
            _stackIds.Add(key, id);
        }

        return id;
    }

    // llama_grammar_advance_stack: expand rule references at the top until every stack is topped by a character
    // element (or is empty, the grammar complete). Cached per interned stack.
    private int[] Advance(int stack)
    {
        if (_advanced[stack] is { } known)
        {
            return known;
        }

        var result = new List<int>();
        var todo = new Stack<int>();
        var seen = new HashSet<int>();
        todo.Push(stack);
        while (todo.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }

            if (current == 0)
            {
                result.Add(0);
                continue;
            }

            var pos = _stackTop[current];
            if (_grammar.Types[pos] != CompiledGrammar.ElementType.RuleRef)
            {
                result.Add(current);
                continue;
            }

            var rest = _stackRest[current];
            if (!_grammar.IsEndOfSequence(pos + 1))
            {
                rest = Push(rest, pos + 1);
            }

            var sub = _grammar.RuleStarts[_grammar.Values[pos]];
            while (true)
            {
                todo.Push(_grammar.IsEndOfSequence(sub) ? rest : Push(rest, sub));
                while (!_grammar.IsEndOfSequence(sub))
                {
                    sub++;
                }

                if (_grammar.Types[sub] != CompiledGrammar.ElementType.Alt)
                {
                    break;
                }

                sub++;
            }
        }

        var array = result.ToArray();
        _advanced[stack] = array;
        return array;
    }

    private readonly record struct Frame(int Node, State State, uint Value, int Remaining, bool Validating);

    private sealed class State(int[] stacks)
    {
        public static readonly State Dead = new([]) { IsDead = true };

        public int[] Stacks { get; } = stacks;

        public bool CanEnd { get; } = stacks.Length > 0 && stacks[0] == 0;

        public bool IsDead { get; private init; }

        public State?[]? Ascii { get; set; }

        public Dictionary<int, State>? Other { get; set; }

        public ulong[]? Allowed { get; set; }

        public int AllowedCount { get; set; }
    }

    private sealed class StackSetComparer : IEqualityComparer<int[]>
    {
        public static readonly StackSetComparer Instance = new();

        public bool Equals(int[]? x, int[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(int[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(obj.AsSpan()));
            return hash.ToHashCode();
        }
    }
}
