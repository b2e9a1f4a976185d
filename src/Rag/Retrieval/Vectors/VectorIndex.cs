using System.Numerics.Tensors;

namespace Agents.Rag;

/// <summary>
/// Vectors held in one contiguous array, L2-normalised, searched by an exact flat scan of dot products
/// (= cosine similarity) with <see cref="TensorPrimitives"/>; optionally an 8-bit copy for a faster first pass.
/// </summary>
/// <remarks>Immutable after construction; safe for concurrent queries.</remarks>
internal sealed class VectorIndex
{
    private const int RescoreFactor = 8;

    // About 4 MB of float vectors: below that a scan takes well under a millisecond and threads only add overhead.
    private const long ParallelScanThreshold = 1L << 20;
    private const int MaxPartitions = 8;

    private readonly float[] _vectors;
    private readonly bool[] _present;
    private readonly sbyte[]? _quantized;
    private readonly float[]? _scales;

    public VectorIndex(IReadOnlyList<ReadOnlyMemory<float>?> vectors, int dimensions, VectorQuantization quantization)
    {
        Dimensions = dimensions;
        Count = vectors.Count;
        _vectors = new float[(long)Count * dimensions];
        _present = new bool[Count];
        if (quantization == VectorQuantization.Int8)
        {
            _quantized = new sbyte[_vectors.Length];
            _scales = new float[Count];
        }

        for (var i = 0; i < Count; i++)
        {
            if (vectors[i] is not { } vector || vector.Length != dimensions)
            {
                continue;
            }

            var row = Row(i);
            var norm = TensorPrimitives.Norm(vector.Span);
            if (norm == 0)
            {
                continue;
            }

            TensorPrimitives.Divide(vector.Span, norm, row);
            _present[i] = true;
            if (_quantized is not null)
            {
                _scales![i] = Int8Math.Quantize(row, _quantized.AsSpan(i * dimensions, dimensions));
            }
        }
    }

    public int Dimensions { get; }

    public int Count { get; }

    public bool IsQuantized => _quantized is not null;

    public ReadOnlySpan<float> Vector(int position) => Row(position);

    public bool HasVector(int position) => _present[position];

    /// <summary>Finds the <paramref name="k"/> vectors most similar to <paramref name="query"/>.</summary>
    public List<ScoredIndex> Search(ReadOnlySpan<float> query, int k, bool[]? allowed = null)
    {
        if (query.Length != Dimensions)
        {
            throw new ArgumentException(
                $"The query embedding has {query.Length} dimensions; the index holds {Dimensions}-dimensional vectors. Use the embedder the store was built with.",
                nameof(query));
        }

        var normalized = new float[Dimensions];
        var norm = TensorPrimitives.Norm(query);
        if (norm == 0)
        {
            return [];
        }

        TensorPrimitives.Divide(query, norm, normalized);
        return _quantized is null ? ExactScan(normalized, k, allowed) : QuantizedScan(normalized, k, allowed);
    }

    private List<ScoredIndex> ExactScan(float[] query, int k, bool[]? allowed) =>
        Scan(k, (from, to, top) =>
        {
            for (var i = from; i < to; i++)
            {
                if (_present[i] && (allowed is null || allowed[i]))
                {
                    top.Add(i, TensorPrimitives.Dot(Row(i), query));
                }
            }
        });

    private List<ScoredIndex> QuantizedScan(float[] query, int k, bool[]? allowed)
    {
        var quantizedQuery = new sbyte[Dimensions];
        var queryScale = Int8Math.Quantize(query, quantizedQuery);
        var candidates = Scan(k * RescoreFactor, (from, to, top) =>
        {
            for (var i = from; i < to; i++)
            {
                if (_present[i] && (allowed is null || allowed[i]))
                {
                    var dot = Int8Math.Dot(_quantized.AsSpan(i * Dimensions, Dimensions), quantizedQuery);
                    top.Add(i, dot * _scales![i] * queryScale);
                }
            }
        });

        var exact = new TopKCollector(k);
        foreach (var candidate in candidates)
        {
            exact.Add(candidate.Position, TensorPrimitives.Dot(Row(candidate.Position), query));
        }

        return exact.ToSortedList();
    }

    /// <summary>
    /// Runs <paramref name="scanRange"/> over the rows, split across the processors when the index is large enough
    /// that one core cannot reach memory bandwidth alone; merges the per-range top k.
    /// </summary>
    private List<ScoredIndex> Scan(int k, Action<int, int, TopKCollector> scanRange)
    {
        var partitions = (long)Count * Dimensions >= ParallelScanThreshold ? Math.Min(Environment.ProcessorCount, MaxPartitions) : 1;
        if (partitions <= 1)
        {
            var top = new TopKCollector(k);
            scanRange(0, Count, top);
            return top.ToSortedList();
        }

        var partial = new TopKCollector[partitions];
        var size = (Count + partitions - 1) / partitions;
        Parallel.For(0, partitions, p =>
        {
            partial[p] = new TopKCollector(k);
            scanRange(p * size, Math.Min(Count, (p + 1) * size), partial[p]);
        });

        var merged = new TopKCollector(k);
        foreach (var candidate in partial.SelectMany(t => t.ToSortedList()))
        {
            merged.Add(candidate.Position, candidate.Score);
        }

        return merged.ToSortedList();
    }

    private Span<float> Row(int position) => _vectors.AsSpan(position * Dimensions, Dimensions);
}
