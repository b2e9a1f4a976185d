namespace Agents.Rag.Tests;

public sealed class VectorIndexTests
{
    private static (VectorIndex Index, float[][] Vectors) RandomIndex(int count, int dimensions, VectorQuantization quantization)
    {
        var random = new Random(1234);
        var vectors = Enumerable.Range(0, count)
            .Select(_ => Enumerable.Range(0, dimensions).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray())
            .ToArray();
        var index = new VectorIndex(vectors.Select(v => (ReadOnlyMemory<float>?)v).ToList(), dimensions, quantization);
        return (index, vectors);
    }

    private static List<int> BruteForce(float[][] vectors, float[] query, int k, Func<int, bool>? allowed = null)
    {
        static double Cosine(float[] a, float[] b)
        {
            double dot = 0, na = 0, nb = 0;
            for (var i = 0; i < a.Length; i++)
            {
                dot += a[i] * b[i];
                na += a[i] * a[i];
                nb += b[i] * b[i];
            }

            return dot / Math.Sqrt(na * nb);
        }

        return Enumerable.Range(0, vectors.Length)
            .Where(i => allowed?.Invoke(i) ?? true)
            .OrderByDescending(i => Cosine(vectors[i], query))
            .Take(k)
            .ToList();
    }

    [Theory]
    [InlineData(50)]
    [InlineData(3000)]
    public void Search_Exact_MatchesBruteForceCosineOnSmallAndPartitionedScans(int count)
    {
        // 3000 x 384 floats is past the threshold where the scan is split across processors.
        var (index, vectors) = RandomIndex(count, 384, VectorQuantization.None);
        var query = vectors[7].Select((v, i) => v + (i % 3 == 0 ? 0.5f : 0f)).ToArray();

        var results = index.Search(query, 10);

        Assert.Equal(BruteForce(vectors, query, 10), results.Select(r => r.Position));
        Assert.Equal(7, results[0].Position);
    }

    [Fact]
    public void Search_AllowedMask_OnlyReturnsAllowedRows()
    {
        var (index, vectors) = RandomIndex(3000, 384, VectorQuantization.None);
        var allowed = Enumerable.Range(0, 3000).Select(i => i % 2 == 1).ToArray();

        var results = index.Search(vectors[8], 5, allowed);

        Assert.Equal(BruteForce(vectors, vectors[8], 5, i => allowed[i]), results.Select(r => r.Position));
    }

    [Fact]
    public void Search_Int8_FindsTheSameTopResultsAsExact()
    {
        var (exact, vectors) = RandomIndex(3000, 384, VectorQuantization.None);
        var (quantized, _) = RandomIndex(3000, 384, VectorQuantization.Int8);

        var hits = 0;
        for (var q = 0; q < 20; q++)
        {
            var truth = exact.Search(vectors[q * 13], 10).Select(r => r.Position).ToHashSet();
            hits += quantized.Search(vectors[q * 13], 10).Count(r => truth.Contains(r.Position));
        }

        Assert.True(hits >= 190, $"int8 recall@10 {hits / 200.0:F3}");
    }

    [Fact]
    public void Search_WrongDimension_ThrowsClearError()
    {
        var (index, _) = RandomIndex(10, 8, VectorQuantization.None);

        var error = Assert.Throws<ArgumentException>(() => index.Search(new float[4], 3));

        Assert.Contains("8-dimensional", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Int8Dot_MatchesScalarDotIncludingTail()
    {
        var random = new Random(5);
        var a = Enumerable.Range(0, 77).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
        var b = Enumerable.Range(0, 77).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();

        Assert.Equal(a.Zip(b).Sum(p => p.First * p.Second), Int8Math.Dot(a, b));
    }
}
