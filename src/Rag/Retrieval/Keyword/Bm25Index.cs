namespace Agents.Rag;

/// <summary>
/// An in-memory inverted index ranked by BM25, answering top-k queries with the MaxScore algorithm: query terms
/// whose best possible contribution cannot lift a passage into the current top k stop driving the scan and are
/// only probed for passages that can still make it. Stop words are indexed (so a question made only of them still
/// matches) but dropped from queries that have other words, so natural-language questions cost about what their
/// content words cost.
/// </summary>
/// <remarks>Immutable after <see cref="Build"/>; safe for concurrent queries.</remarks>
internal sealed class Bm25Index
{
    private readonly Dictionary<string, int> _vocabulary;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int[][] _postingPositions;
    private readonly float[][] _postingImpacts;
    private readonly float[] _maxImpact;

    private Bm25Index(Dictionary<string, int> vocabulary, int[][] positions, float[][] impacts, float[] maxImpact, int count)
    {
        _vocabulary = vocabulary;
        _lookup = vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        _postingPositions = positions;
        _postingImpacts = impacts;
        _maxImpact = maxImpact;
        Count = count;
    }

    public int Count { get; }

    public int VocabularySize => _vocabulary.Count;

    /// <summary>Builds the index; passage i of <paramref name="texts"/> gets position i.</summary>
    public static Bm25Index Build(IReadOnlyList<string> texts, float k1 = 1.2f, float b = 0.75f)
    {
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        var postings = new List<PostingBuilder>();
        var lengths = new int[texts.Count];
        var frequency = new List<int>();
        var touched = new List<int>();
        Span<char> buffer = stackalloc char[TermEnumerator.MaxTermLength];
        for (var position = 0; position < texts.Count; position++)
        {
            var length = 0;
            foreach (var term in new TermEnumerator(texts[position], buffer, keepStopWords: true))
            {
                length++;
                if (!lookup.TryGetValue(term, out var id))
                {
                    id = vocabulary.Count;
                    lookup[term] = id;
                    postings.Add(new PostingBuilder());
                    frequency.Add(0);
                }

                if (frequency[id]++ == 0)
                {
                    touched.Add(id);
                }
            }

            lengths[position] = length;
            foreach (var id in touched)
            {
                postings[id].Add(position, frequency[id]);
                frequency[id] = 0;
            }

            touched.Clear();
        }

        var averageLength = texts.Count == 0 ? 1.0 : Math.Max(1.0, lengths.Average());
        var positions = new int[postings.Count][];
        var impacts = new float[postings.Count][];
        var maxImpact = new float[postings.Count];
        for (var id = 0; id < postings.Count; id++)
        {
            var posting = postings[id];
            var documentFrequency = posting.Count;
            var idf = Math.Log(1 + ((texts.Count - documentFrequency + 0.5) / (documentFrequency + 0.5)));
            positions[id] = posting.Positions[..documentFrequency];
            impacts[id] = new float[documentFrequency];
            for (var i = 0; i < documentFrequency; i++)
            {
                var tf = posting.Frequencies[i];
                var norm = k1 * (1 - b + (b * lengths[posting.Positions[i]] / averageLength));
                var impact = (float)(idf * tf * (k1 + 1) / (tf + norm));
                impacts[id][i] = impact;
                maxImpact[id] = Math.Max(maxImpact[id], impact);
            }
        }

        return new Bm25Index(vocabulary, positions, impacts, maxImpact, texts.Count);
    }

    /// <summary>Finds the <paramref name="k"/> best passages for <paramref name="query"/>.</summary>
    /// <param name="query">The query in natural language.</param>
    /// <param name="k">How many to return.</param>
    /// <param name="allowed">Which positions may be returned, or <see langword="null"/> for all.</param>
    /// <returns>Positions and BM25 scores, best first; only passages sharing a term with the query.</returns>
    public List<ScoredIndex> Search(string query, int k, bool[]? allowed = null)
    {
        var terms = QueryTerms(query, keepStopWords: false);
        if (terms.Count == 0)
        {
            // A question made only of stop words ("what is it?") still deserves an answer.
            terms = QueryTerms(query, keepStopWords: true);
        }

        return terms.Count == 0 ? [] : MaxScore(terms, k, allowed);
    }

    /// <summary>The distinct terms of a text, as used for similarity between passages.</summary>
    public static HashSet<string> Terms(string text)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        var lookup = set.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> buffer = stackalloc char[TermEnumerator.MaxTermLength];
        foreach (var term in new TermEnumerator(text, buffer))
        {
            lookup.Add(term);
        }

        return set;
    }

    private List<Cursor> QueryTerms(string query, bool keepStopWords)
    {
        var weights = new Dictionary<int, int>();
        Span<char> buffer = stackalloc char[TermEnumerator.MaxTermLength];
        foreach (var term in new TermEnumerator(query, buffer, keepStopWords))
        {
            if (_lookup.TryGetValue(term, out var id))
            {
                weights[id] = weights.GetValueOrDefault(id) + 1;
            }
        }

        var cursors = weights.Select(w => new Cursor(_postingPositions[w.Key], _postingImpacts[w.Key], w.Value, _maxImpact[w.Key] * w.Value)).ToList();

        // MaxScore wants terms from the weakest upper bound to the strongest.
        cursors.Sort(static (a, b) => a.UpperBound.CompareTo(b.UpperBound));
        return cursors;
    }

    private static List<ScoredIndex> MaxScore(List<Cursor> cursors, int k, bool[]? allowed)
    {
        var n = cursors.Count;
        var cumulativeBound = new float[n];
        for (var i = 0; i < n; i++)
        {
            cumulativeBound[i] = cursors[i].UpperBound + (i > 0 ? cumulativeBound[i - 1] : 0);
        }

        var top = new TopKCollector(k);
        var firstEssential = 0;
        while (firstEssential < n)
        {
            // The next candidate is the smallest position any essential term still has.
            var candidate = int.MaxValue;
            for (var i = firstEssential; i < n; i++)
            {
                candidate = Math.Min(candidate, cursors[i].Current);
            }

            if (candidate == int.MaxValue)
            {
                break;
            }

            var score = 0f;
            for (var i = firstEssential; i < n; i++)
            {
                var cursor = cursors[i];
                if (cursor.Current == candidate)
                {
                    score += cursor.Impact;
                    cursor.Advance();
                }
            }

            if (allowed is not null && !allowed[candidate])
            {
                continue;
            }

            var threshold = top.Threshold;
            for (var i = firstEssential - 1; i >= 0; i--)
            {
                if (score + cumulativeBound[i] <= threshold)
                {
                    break;
                }

                var cursor = cursors[i];
                cursor.SkipTo(candidate);
                if (cursor.Current == candidate)
                {
                    score += cursor.Impact;
                }
            }

            if (score > threshold)
            {
                top.Add(candidate, score);
                var newThreshold = top.Threshold;
                while (firstEssential < n && cumulativeBound[firstEssential] <= newThreshold)
                {
                    firstEssential++;
                }
            }
        }

        return top.ToSortedList();
    }

    /// <summary>A position in one term's posting list.</summary>
    private sealed class Cursor(int[] positions, float[] impacts, int weight, float upperBound)
    {
        private int _index;

        public float UpperBound { get; } = upperBound;

        public int Current => _index < positions.Length ? positions[_index] : int.MaxValue;

        public float Impact => impacts[_index] * weight;

        public void Advance() => _index++;

        /// <summary>Moves to the first posting at or after <paramref name="target"/> by galloping then binary search.</summary>
        public void SkipTo(int target)
        {
            if (_index >= positions.Length || positions[_index] >= target)
            {
                return;
            }

            var step = 1;
            var low = _index;
            var high = _index + 1;
            while (high < positions.Length && positions[high] < target)
            {
                low = high;
                step <<= 1;
                high = _index + step;
            }

            high = Math.Min(high, positions.Length - 1);
            var found = Array.BinarySearch(positions, low, high - low + 1, target);
            _index = found >= 0 ? found : Math.Min(~found, positions.Length);
        }
    }

    /// <summary>Grows one term's postings while the index is built.</summary>
    private sealed class PostingBuilder
    {
        public int[] Positions { get; private set; } = new int[4];

        public int[] Frequencies { get; private set; } = new int[4];

        public int Count { get; private set; }

        public void Add(int position, int frequency)
        {
            if (Count == Positions.Length)
            {
                Positions = Grow(Positions);
                Frequencies = Grow(Frequencies);
            }

            Positions[Count] = position;
            Frequencies[Count++] = frequency;
        }

        private static int[] Grow(int[] array)
        {
            var grown = new int[array.Length * 2];
            array.CopyTo(grown, 0);
            return grown;
        }
    }
}
