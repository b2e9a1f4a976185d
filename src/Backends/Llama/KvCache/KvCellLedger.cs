namespace Agents.Backends.Llama.KvCache;

/// <summary>
/// The one capacity ledger of the context's KV cells. It counts three things, each once:
/// <list type="bullet">
/// <item><description>the <em>commitment</em> of each running request (the most cells it can ever hold: prompt plus
/// completion), which admission keeps within the capacity, so every admitted request can finish;</description></item>
/// <item><description>the cells each sequence holds now, as lists of cell ids by position: a copied prefix shares
/// the source's ids, and a cell is free only when no sequence refers to it (as in llama.cpp, where a cell holds a set
/// of sequence ids);</description></item>
/// <item><description>the <em>reservation</em> of each running request: the cells it may still fill beyond those it
/// holds. Resident prefixes are evicted whenever free cells fall short of the reservations.</description></item>
/// </list>
/// The ids are the ledger's own, not llama.cpp's cell indices: only the counts matter.
/// </summary>
/// <remarks>
/// Cells and reservations change on the scheduler's thread only; the commitment is also read by callers queueing a
/// request, so it sits under a lock.
/// </remarks>
internal sealed class KvCellLedger
{
    private readonly Lock _gate = new();
    private readonly int[] _references;
    private readonly Stack<int> _free;
    private readonly Dictionary<int, List<int>> _cells = [];
    private readonly Dictionary<object, int> _reservations = new(ReferenceEqualityComparer.Instance);
    private long _committed;

    /// <summary>Creates a ledger of <paramref name="capacity"/> cells, all free.</summary>
    /// <param name="capacity">The context's KV cells.</param>
    public KvCellLedger(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
        _references = new int[capacity];
        _free = new Stack<int>(Enumerable.Range(0, capacity).Reverse());
    }

    /// <summary>Gets the context's KV cells.</summary>
    public int Capacity { get; }

    /// <summary>Gets how many cells no sequence refers to.</summary>
    public int FreeCells => _free.Count;

    /// <summary>Gets the sum of running requests' reservations: cells they may still fill.</summary>
    public long ReservedCells { get; private set; }

    /// <summary>Gets the sum of running requests' commitments.</summary>
    public long CommittedCells
    {
        get
        {
            lock (_gate)
            {
                return _committed;
            }
        }
    }

    /// <summary>Tells whether a request that may fill <paramref name="cells"/> cells fits beside the running ones.</summary>
    /// <param name="cells">The request's commitment.</param>
    /// <returns>Whether it can be admitted now.</returns>
    public bool CanCommit(int cells)
    {
        lock (_gate)
        {
            return cells >= 0 && _committed + cells <= Capacity;
        }
    }

    /// <summary>Commits <paramref name="cells"/> cells to <paramref name="owner"/> and reserves them all.</summary>
    /// <param name="owner">The request.</param>
    /// <param name="cells">Its commitment.</param>
    /// <exception cref="InvalidOperationException">It does not fit (admission was not asked first).</exception>
    public void Commit(object owner, int cells)
    {
        lock (_gate)
        {
            if (cells < 0 || _committed + cells > Capacity)
            {
                throw new InvalidOperationException($"The KV ledger cannot commit {cells} more cells: {_committed} of {Capacity} are committed.");
            }

            _committed += cells;
        }

        Reserve(owner, cells);
    }

    /// <summary>Sets what <paramref name="owner"/> may still fill (its commitment minus cells it already holds).</summary>
    /// <param name="owner">The request.</param>
    /// <param name="cells">The cells it may still fill.</param>
    public void Reserve(object owner, int cells)
    {
        ReservedCells += Math.Max(0, cells) - _reservations.GetValueOrDefault(owner);
        _reservations[owner] = Math.Max(0, cells);
    }

    /// <summary>Ends <paramref name="owner"/>'s commitment and reservation.</summary>
    /// <param name="owner">The request.</param>
    /// <param name="committedCells">The commitment it made.</param>
    public void Uncommit(object owner, int committedCells)
    {
        if (_reservations.Remove(owner, out var reserved))
        {
            ReservedCells -= reserved;
            lock (_gate)
            {
                _committed -= committedCells;
            }
        }
    }

    /// <summary>Gets how many cells <paramref name="sequence"/> holds.</summary>
    /// <param name="sequence">The sequence.</param>
    /// <returns>Its length in cells.</returns>
    public int LengthOf(int sequence) => _cells.TryGetValue(sequence, out var cells) ? cells.Count : 0;

    /// <summary>Records that <paramref name="destination"/> (empty) now shares the first <paramref name="count"/> cells of <paramref name="source"/>.</summary>
    /// <param name="source">The sequence copied from.</param>
    /// <param name="destination">The empty sequence copied to.</param>
    /// <param name="count">How many leading positions were copied.</param>
    public void Copy(int source, int destination, int count)
    {
        var from = _cells[source];
        var to = Cells(destination);
        for (var i = 0; i < count; i++)
        {
            _references[from[i]]++;
            to.Add(from[i]);
        }
    }

    /// <summary>Records <paramref name="count"/> new cells at the end of <paramref name="sequence"/>.</summary>
    /// <param name="sequence">The sequence.</param>
    /// <param name="count">How many cells were filled.</param>
    /// <exception cref="InvalidOperationException">More cells than are free: the reservations are wrong.</exception>
    public void Append(int sequence, int count)
    {
        if (count > _free.Count)
        {
            throw new InvalidOperationException($"The KV ledger has {_free.Count} free cells, not the {count} a sequence filled.");
        }

        var cells = Cells(sequence);
        for (var i = 0; i < count; i++)
        {
            var id = _free.Pop();
            _references[id] = 1;
            cells.Add(id);
        }
    }

    /// <summary>Records that <paramref name="sequence"/> was cut to its first <paramref name="count"/> positions.</summary>
    /// <param name="sequence">The sequence.</param>
    /// <param name="count">How many positions are kept.</param>
    public void Truncate(int sequence, int count)
    {
        if (!_cells.TryGetValue(sequence, out var cells) || cells.Count <= count)
        {
            return;
        }

        for (var i = count; i < cells.Count; i++)
        {
            Release(cells[i]);
        }

        cells.RemoveRange(count, cells.Count - count);
    }

    /// <summary>Records that <paramref name="sequence"/> was emptied.</summary>
    /// <param name="sequence">The sequence.</param>
    public void Clear(int sequence) => Truncate(sequence, 0);

    /// <summary>Counts the cells that at least one of <paramref name="sequences"/> refers to.</summary>
    /// <param name="sequences">The sequences.</param>
    /// <returns>The number of distinct cells.</returns>
    public int CountDistinct(IEnumerable<int> sequences)
    {
        var seen = new HashSet<int>();
        foreach (var sequence in sequences)
        {
            if (_cells.TryGetValue(sequence, out var cells))
            {
                seen.UnionWith(cells);
            }
        }

        return seen.Count;
    }

    private List<int> Cells(int sequence)
    {
        if (!_cells.TryGetValue(sequence, out var cells))
        {
            _cells[sequence] = cells = [];
        }

        return cells;
    }

    private void Release(int id)
    {
        if (--_references[id] == 0)
        {
            _free.Push(id);
        }
    }
}
