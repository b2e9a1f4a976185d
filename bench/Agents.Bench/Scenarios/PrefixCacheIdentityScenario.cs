using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Agents.Backends.Llama.Gguf;
using Agents.Backends.Llama.PrefixCache;
using Agents.Bench.Models;

namespace Agents.Bench.Scenarios;

/// <summary>
/// What naming the prefix cache's disk files after the model's content costs at start-up: the sampled content
/// identity (<see cref="GgufContentIdentity"/>: header, tensor directory, 12 KiB per tensor) against a full SHA-256
/// of the file, on the benchmark's 60M Q8_0 model, and whether the F16 and Q8_0 files of that model are told apart.
/// </summary>
internal sealed class PrefixCacheIdentityScenario : IBenchmarkScenario
{
    public string Name => "prefix-cache-identity";

    public string Description => "disk-tier model identity: sampled content hash vs full SHA-256 of the 60M Q8_0 model (ms, bytes read)";

    public async Task<IReadOnlyDictionary<string, object?>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var repeats = int.Parse(context.Option("--repeats", "7")!, CultureInfo.InvariantCulture);
        var q8 = await BenchmarkModel.EnsureQ8Async(context, cancellationToken);
        var f16 = Path.Combine(context.WorkDirectory, "random-llama-8x512-f16-identity.gguf");
        RandomLlamaModelWriter.Write(f16, LlamaModelShape.Benchmark, FindVocabularySource(q8), GgufTensorType.F16, seed: 42, cancellationToken);

        try
        {
            var header = GgufReader.ReadHeader(q8);
            var size = new FileInfo(q8).Length;
            var sampledBytes = header.DataOffset + SampledDataBytes(header, size);

            // The first run reads the file after it was just written (in the page cache); later runs are the same.
            var sampled = Time(repeats, () => GgufContentIdentity.Compute(q8));
            var full = Time(repeats, () =>
            {
                using var stream = File.OpenRead(q8);
                return SHA256.HashData(stream);
            });
            var differ = !GgufContentIdentity.Compute(q8).AsSpan().SequenceEqual(GgufContentIdentity.Compute(f16));
            context.Log($"{size / (1 << 20)} MiB, {header.Tensors.Count} tensors: sampled {sampled:F2} ms ({sampledBytes / 1024} KiB read), full SHA-256 {full:F1} ms; F16 and Q8_0 differ: {differ}");

            return new Dictionary<string, object?>
            {
                ["model"] = Path.GetFileName(q8),
                ["file_bytes"] = size,
                ["tensors"] = header.Tensors.Count,
                ["repeats"] = repeats,
                ["sampled_identity_ms"] = Math.Round(sampled, 3),
                ["sampled_bytes_read"] = sampledBytes,
                ["full_sha256_ms"] = Math.Round(full, 2),
                ["full_over_sampled"] = Math.Round(full / sampled, 1),
                ["f16_and_q8_identities_differ"] = differ,
                ["load_average"] = LoadAverage(),
            };
        }
        finally
        {
            File.Delete(f16);
        }
    }

    /// <summary>The bytes of tensor data the identity reads: each tensor whole up to 12 KiB, else three 4 KiB samples.</summary>
    private static long SampledDataBytes(GgufFile header, long size)
    {
        var starts = header.Tensors.Select(t => header.DataOffset + t.Offset).Distinct().Order().ToArray();
        var total = 0L;
        for (var i = 0; i < starts.Length; i++)
        {
            var length = (i + 1 < starts.Length ? starts[i + 1] : size) - starts[i];
            total += Math.Min(length, GgufContentIdentity.WholeTensorBytes);
        }

        return total;
    }

    /// <summary>The median of <paramref name="repeats"/> runs, in milliseconds.</summary>
    private static double Time(int repeats, Func<byte[]> run)
    {
        var times = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            GC.KeepAlive(run());
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    private static string FindVocabularySource(string q8) => q8; // the Q8_0 model carries the same tokenizer metadata

    private static string? LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;
}
