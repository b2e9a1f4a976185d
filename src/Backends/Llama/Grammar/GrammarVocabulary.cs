using System.Runtime.CompilerServices;
using LLama;
using LLama.Native;

namespace Agents.Backends.Llama.Grammar;

/// <summary>
/// A model's vocabulary as <see cref="GrammarMatcher"/> sees it: every token's bytes exactly as llama.cpp's grammar
/// sampler reads them (its piece with special tokens rendered, cut at the first NUL byte), arranged in a byte trie so
/// that the tokens sharing a prefix are checked against the grammar once per prefix. Built once per model and then
/// read-only, so matchers on any thread share it.
/// </summary>
internal sealed class GrammarVocabulary
{
    private static readonly ConditionalWeakTable<SafeLlamaModelHandle, GrammarVocabulary> Cache = [];

    private GrammarVocabulary(byte[][] pieces, int[] endOfGeneration)
    {
        Pieces = pieces;
        EndOfGeneration = endOfGeneration;
        Size = pieces.Length;
        IsEndOfGeneration = new bool[pieces.Length];
        foreach (var token in endOfGeneration)
        {
            IsEndOfGeneration[token] = true;
        }

        BuildTrie();
    }

    /// <summary>Gets how many tokens the vocabulary has.</summary>
    public int Size { get; }

    /// <summary>Gets each token's bytes (empty for a token the grammar never allows, such as one rendering as nothing).</summary>
    public byte[][] Pieces { get; }

    /// <summary>Gets the end-of-generation tokens, which the grammar allows only where it can be complete.</summary>
    public int[] EndOfGeneration { get; }

    /// <summary>Gets, per token, whether it ends generation.</summary>
    public bool[] IsEndOfGeneration { get; }

    /// <summary>Gets each trie node's byte (node 0 is the root and has none).</summary>
    public byte[] Label { get; private set; } = [];

    /// <summary>Gets each trie node's first child, or -1.</summary>
    public int[] FirstChild { get; private set; } = [];

    /// <summary>Gets each trie node's next sibling, or -1.</summary>
    public int[] NextSibling { get; private set; } = [];

    /// <summary>Gets where each node's tokens start in <see cref="NodeTokens"/>.</summary>
    public int[] TokenStart { get; private set; } = [];

    /// <summary>Gets how many tokens end at each node.</summary>
    public int[] TokenCount { get; private set; } = [];

    /// <summary>Gets the tokens, grouped by the node their bytes end at.</summary>
    public int[] NodeTokens { get; private set; } = [];

    /// <summary>The vocabulary of a loaded model, built on first use and cached for the model's lifetime.</summary>
    public static GrammarVocabulary For(LLamaWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return Cache.GetValue(weights.NativeHandle, static model => FromModel(model));
    }

    /// <summary>A vocabulary over the given token bytes (tests and benchmarks build small ones by hand).</summary>
    public static GrammarVocabulary FromPieces(IReadOnlyList<byte[]> pieces, IEnumerable<int> endOfGeneration)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        return new GrammarVocabulary([.. pieces.Select(TruncateAtNul)], [.. endOfGeneration.Distinct().Order()]);
    }

    private static GrammarVocabulary FromModel(SafeLlamaModelHandle model)
    {
        var vocabulary = model.Vocab;
        var count = vocabulary.Count;
        var pieces = new byte[count][];
        var endOfGeneration = new List<int>();
        Span<byte> buffer = stackalloc byte[256];
        for (var id = 0; id < count; id++)
        {
            var token = (LLamaToken)id;
            if (token.IsEndOfGeneration(vocabulary))
            {
                endOfGeneration.Add(id);
                pieces[id] = [];
                continue;
            }

            // What llama.cpp's grammar reads: the piece with special tokens rendered as text, no leading space stripped.
            var length = (int)model.TokenToSpan(token, buffer, 0, true);
            if (length > buffer.Length)
            {
                var large = new byte[length];
                model.TokenToSpan(token, large, 0, true);
                pieces[id] = TruncateAtNul(large);
            }
            else
            {
                pieces[id] = TruncateAtNul(buffer[..length].ToArray());
            }
        }

        return new GrammarVocabulary(pieces, [.. endOfGeneration]);
    }

    // llama.cpp reads the piece as a C string: a token starting with NUL is refused, and decoding stops at the first NUL.
    private static byte[] TruncateAtNul(byte[] piece)
    {
        var nul = Array.IndexOf(piece, (byte)0);
        return nul < 0 ? piece : piece[..nul];
    }

    private void BuildTrie()
    {
        var order = Enumerable.Range(0, Size).Where(t => Pieces[t].Length > 0 && !IsEndOfGeneration[t]).ToArray();
        Array.Sort(order, (a, b) => Pieces[a].AsSpan().SequenceCompareTo(Pieces[b]));
        var label = new List<byte> { 0 };
        var firstChild = new List<int> { -1 };
        var nextSibling = new List<int> { -1 };
        var lastChild = new List<int> { -1 };
        var tokenStart = new List<int> { 0 };
        var tokenCount = new List<int> { 0 };
        var path = new List<int> { 0 };
        byte[] previous = [];
        for (var i = 0; i < order.Length; i++)
        {
            var piece = Pieces[order[i]];
            var common = piece.AsSpan().CommonPrefixLength(previous);
            path.RemoveRange(common + 1, path.Count - common - 1);
            for (var depth = common; depth < piece.Length; depth++)
            {
                var parent = path[^1];
                var node = label.Count;
                label.Add(piece[depth]);
                firstChild.Add(-1);
                nextSibling.Add(-1);
                lastChild.Add(-1);
                tokenStart.Add(0);
                tokenCount.Add(0);
                if (lastChild[parent] < 0)
                {
                    firstChild[parent] = node;
                }
                else
                {
                    nextSibling[lastChild[parent]] = node;
                }

                lastChild[parent] = node;
                path.Add(node);
            }

            var end = path[^1];
            if (tokenCount[end] == 0)
            {
                tokenStart[end] = i;
            }

            tokenCount[end]++;
            previous = piece;
        }

        Label = [.. label];
        FirstChild = [.. firstChild];
        NextSibling = [.. nextSibling];
        TokenStart = [.. tokenStart];
        TokenCount = [.. tokenCount];
        NodeTokens = order;
    }
}
