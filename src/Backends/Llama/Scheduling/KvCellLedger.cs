using LLama.Native;

namespace Agents.Backends.Llama.Scheduling;

/// <summary>
/// Mirrors how many KV cells of the scheduler's context are in use while sequences share cells: each sequence is a
/// list of cell ids by position, a copied prefix shares the source's ids, and a cell is free again only when no
/// sequence refers to it (as in llama.cpp, where a cell holds a set of sequence ids). The ids are the ledger's own,
/// not llama.cpp's cell indices: only the count matters.
/// </summary>
/// <remarks>Used on the scheduler's thread only.</remarks>
internal sealed class KvCellLedger
{
    private readonly int[] _references;
    private readonly Stack<int> _free;
    private readonly Dictionary<LLamaSeqId, List<int>> _cells = [];

    /// <summary>Creates a ledger of <paramref name="capacity"/> cells, all free.</summary>
    /// <param name="capacity">The context's KV cells.</param>
    public KvCellLedger(int capacity)
    {
        _references = new int[capacity];
        _free = new Stack<int>(Enumerable.Range(0, capacity).Reverse());
    }

    /// <summary>Gets how many cells no sequence refers to.</summary>
    public int FreeCells => _free.Count;

    /// <summary>Gets how many cells <paramref name="sequence"/> holds.</summary>
    /// <param name="sequence">The sequence.</param>
    /// <returns>Its length in cells.</returns>
    public int LengthOf(LLamaSeqId sequence) => _cells.TryGetValue(sequence, out var cells) ? cells.Count : 0;

    /// <summary>Records that <paramref name="destination"/> (empty) now shares the first <paramref name="count"/> cells of <paramref name="source"/>.</summary>
    /// <param name="source">The sequence copied from.</param>
    /// <param name="destination">The empty sequence copied to.</param>
    /// <param name="count">How many leading positions were copied.</param>
    public void Copy(LLamaSeqId source, LLamaSeqId destination, int count)
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
    /// <exception cref="InvalidOperationException">More cells than are free: the scheduler's reservations are wrong.</exception>
    public void Append(LLamaSeqId sequence, int count)
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
    public void Truncate(LLamaSeqId sequence, int count)
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
    public void Clear(LLamaSeqId sequence) => Truncate(sequence, 0);

    /// <summary>Counts the cells that at least one of <paramref name="sequences"/> refers to.</summary>
    /// <param name="sequences">The sequences.</param>
    /// <returns>The number of distinct cells.</returns>
    public int CountDistinct(IEnumerable<LLamaSeqId> sequences)
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

    private List<int> Cells(LLamaSeqId sequence)
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
