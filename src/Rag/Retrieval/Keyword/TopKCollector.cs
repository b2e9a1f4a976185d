namespace Agents.Rag;

/// <summary>
/// Keeps the k best (highest-scoring) candidates seen, in a min-heap; on equal scores the earlier position wins,
/// so results are deterministic.
/// </summary>
internal sealed class TopKCollector
{
    private readonly int _k;
    private readonly ScoredIndex[] _heap;
    private int _count;

    public TopKCollector(int k)
    {
        _k = Math.Max(1, k);
        _heap = new ScoredIndex[_k];
    }

    public bool IsFull => _count == _k;

    /// <summary>Gets the score a candidate must beat to enter, once full; negative infinity before.</summary>
    public float Threshold => IsFull ? _heap[0].Score : float.NegativeInfinity;

    public void Add(int position, float score)
    {
        if (_count < _k)
        {
            _heap[_count] = new ScoredIndex(position, score);
            SiftUp(_count++);
        }
        else if (score > _heap[0].Score)
        {
            _heap[0] = new ScoredIndex(position, score);
            SiftDown(0);
        }
    }

    public List<ScoredIndex> ToSortedList()
    {
        var list = new List<ScoredIndex>(_count);
        for (var i = 0; i < _count; i++)
        {
            list.Add(_heap[i]);
        }

        list.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Position.CompareTo(b.Position));
        return list;
    }

    // "Less" means worse: lower score, or equal score and later position.
    private static bool Worse(ScoredIndex a, ScoredIndex b) => a.Score < b.Score || (a.Score == b.Score && a.Position > b.Position);

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (!Worse(_heap[i], _heap[parent]))
            {
                return;
            }

            (_heap[i], _heap[parent]) = (_heap[parent], _heap[i]);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            var left = (2 * i) + 1;
            var right = left + 1;
            var worst = i;
            if (left < _count && Worse(_heap[left], _heap[worst]))
            {
                worst = left;
            }

            if (right < _count && Worse(_heap[right], _heap[worst]))
            {
                worst = right;
            }

            if (worst == i)
            {
                return;
            }

            (_heap[i], _heap[worst]) = (_heap[worst], _heap[i]);
            i = worst;
        }
    }
}
