using System.Collections.Concurrent;
using Agents.Backends.Llama.KvCache;
using Agents.Backends.Llama.PrefixCache;

namespace Agents.Backends.Llama.Tests.KvCache;

/// <summary>
/// A hand-written stand-in for a llama.cpp context's KV cache, for property tests without a model: cells are shared by
/// reference between sequences (as llama.cpp's cells hold sets of sequence ids), a fill or a restore fails when no cell
/// is free, and every cell remembers the tenant scope and shared-token count of the request that wrote it, so a test
/// can tell whose KV a request was handed.
/// </summary>
internal sealed class SimulatedKvStore(int capacity) : IKvStore
{
    private static readonly ConcurrentDictionary<long, SimulatedState> s_states = new();
    private static long s_nextState;
    private readonly Dictionary<int, List<Cell>> _sequences = [];

    /// <summary>Gets the cells at least one sequence refers to.</summary>
    public int LiveCells => _sequences.Values.SelectMany(c => c).Distinct().Count();

    /// <summary>Gets the cells of <paramref name="sequence"/>, by position.</summary>
    public IReadOnlyList<Cell> CellsOf(int sequence) => _sequences.TryGetValue(sequence, out var cells) ? cells : [];

    /// <summary>Writes new cells at the end of a sequence, as a decode does; fails when the context is full.</summary>
    public void Fill(int sequence, ReadOnlySpan<int> tokens, PrefixScope writer, int writerShared)
    {
        if (LiveCells + tokens.Length > capacity)
        {
            throw new InvalidOperationException($"Over-commit: {LiveCells} live cells + {tokens.Length} new > {capacity}.");
        }

        var cells = Cells(sequence);
        foreach (var token in tokens)
        {
            cells.Add(new Cell(token, cells.Count, writer, writerShared));
        }
    }

    public void Copy(int source, int destination, int count)
    {
        var to = Cells(destination);
        if (to.Count != 0)
        {
            throw new InvalidOperationException($"Copy into sequence {destination}, which is not empty.");
        }

        to.AddRange(Cells(source).Take(count));
        if (to.Count != count)
        {
            throw new InvalidOperationException($"Copy of {count} positions from a sequence of {Cells(source).Count}.");
        }
    }

    public void Trim(int sequence, int from)
    {
        var cells = Cells(sequence);
        if (from < cells.Count)
        {
            cells.RemoveRange(from, cells.Count - from);
        }
    }

    public IPrefixStatePayload Save(int sequence)
    {
        var id = Interlocked.Increment(ref s_nextState);
        var state = new SimulatedState(id, [.. Cells(sequence)]);
        s_states[id] = state;
        return state;
    }

    public bool TryRestore(int sequence, ReadOnlySpan<byte> state)
    {
        Trim(sequence, 0);
        if (state.Length != sizeof(long) || !s_states.TryGetValue(BitConverter.ToInt64(state), out var saved))
        {
            return false;
        }

        if (LiveCells + saved.Cells.Length > capacity)
        {
            return false;
        }

        // A restore writes new cells with the saved values (and their provenance).
        Cells(sequence).AddRange(saved.Cells.Select(c => c with { }));
        return true;
    }

    private List<Cell> Cells(int sequence)
    {
        if (!_sequences.TryGetValue(sequence, out var cells))
        {
            _sequences[sequence] = cells = [];
        }

        return cells;
    }

    /// <summary>One KV cell: a token at a position, written by a request of <paramref name="Writer"/>'s scope.</summary>
    internal sealed record Cell(int Token, int Position, PrefixScope Writer, int WriterShared);

    private sealed class SimulatedState(long id, Cell[] cells) : IPrefixStatePayload
    {
        private readonly byte[] _bytes = BitConverter.GetBytes(id);

        public Cell[] Cells { get; } = cells;

        public long SizeInBytes => (Cells.Length * 16L) + 8;

        public ReadOnlySpan<byte> Bytes => _bytes;
    }
}
