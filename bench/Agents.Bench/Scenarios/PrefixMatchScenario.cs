using System.Diagnostics;
using Agents.Backends.Llama;
using Agents.Backends.Llama.KvCache;
using Agents.Backends.Llama.PrefixCache;
using Agents.Bench.Models;
using LLama.Native;

namespace Agents.Bench.Scenarios;

/// <summary>
/// The two prefix matchers of the local backend side by side: the resident tier's linear scan
/// (<see cref="ResidentPrefixes.FindLongest"/>) and the saved-state tier's radix tree (<see cref="TokenPrefixCache.Lookup"/>),
/// each holding <c>--resident-counts</c> (8, 64, 256) prompts of <c>--prefix-tokens</c> (2,000) tokens in one tenant
/// scope, looked up with one of them plus <c>--turn-tokens</c> (50) new tokens. Two shapes: every held prompt sharing
/// all but its last 50 tokens with the others (one long system prompt, the scan's worst case), and held prompts sharing
/// nothing. Against them, what a lookup is weighed with: one prefill step (evaluating the 50 new tokens after a
/// 2,000-token prefix already in the KV) and one decode step (one token after it), timed with the hand-written
/// LLamaSharp loop (<see cref="RawPromptLoop"/>) on the benchmark model, flash attention off as with the prefix cache.
/// </summary>
internal sealed class PrefixMatchScenario : IBenchmarkScenario
{
    private const int Repeats = 7;
    private static readonly TimeSpan RoundTime = TimeSpan.FromMilliseconds(100);

    public string Name => "prefix-match";

    public string Description => "Prefix matchers: resident linear scan vs radix tree, µs per lookup at 8/64/256 held 2,000-token prompts, against a prefill step";

    public async Task<IReadOnlyDictionary<string, object?>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var prefixTokens = Statistics.IntOption(context, "--prefix-tokens", 2000);
        var turnTokens = Statistics.IntOption(context, "--turn-tokens", 50);
        var counts = (context.Option("--resident-counts") ?? "8,64,256").Split(',').Select(int.Parse).ToArray();
        var modelPath = context.Option("--model") ?? await BenchmarkModel.EnsureQ8Async(context, cancellationToken);

        var figures = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["prefix_tokens"] = prefixTokens,
            ["turn_tokens"] = turnTokens,
            ["resident_counts"] = counts,
            ["repeats"] = Repeats,
        };

        foreach (var shape in new[] { "shared", "distinct" })
        {
            var commonTokens = shape == "shared" ? prefixTokens - turnTokens : 0;
            foreach (var count in counts)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (scanUs, radixUs) = MeasureMatchers(count, prefixTokens, commonTokens, turnTokens);
                var suffix = shape == "shared" ? string.Empty : "_distinct";
                figures[$"scan{suffix}_us_{count}"] = Math.Round(scanUs, 2);
                figures[$"radix{suffix}_us_{count}"] = Math.Round(radixUs, 2);
                context.Log($"{shape}, {count} held: scan {scanUs:F2} µs, radix tree {radixUs:F2} µs per lookup");
            }
        }

        figures["shared_common_tokens"] = prefixTokens - turnTokens;
        var (prefillMs, decodeMs) = MeasureSteps(modelPath, prefixTokens, turnTokens);
        context.Log($"prefill step ({turnTokens} tokens after {prefixTokens}): {prefillMs:F1} ms; decode step: {decodeMs:F1} ms");
        figures["prefill_step_ms"] = Math.Round(prefillMs, 2);
        figures["decode_step_ms"] = Math.Round(decodeMs, 2);
        var largest = counts.Max();
        var scanLargest = (double)figures[$"scan_us_{largest}"]!;
        figures["scan_share_of_prefill_step_pct"] = Math.Round(scanLargest / 1000 / prefillMs * 100, 4);
        figures["scan_share_of_decode_step_pct"] = Math.Round(scanLargest / 1000 / decodeMs * 100, 4);
        figures["flash_attention"] = false;
        figures["threads"] = Environment.ProcessorCount;
        figures["model"] = Path.GetFileName(modelPath);
        figures["load_average"] = DecodeScenario.LoadAverage();
        return figures;
    }

    /// <summary>Median µs per lookup of each matcher, rounds of each interleaved so drift on a shared machine hits both alike.</summary>
    private static (double ScanUs, double RadixUs) MeasureMatchers(int count, int prefixTokens, int commonTokens, int turnTokens)
    {
        var random = new Random(count);
        var common = Tokens(random, commonTokens);
        var held = Enumerable.Range(0, count).Select(_ => (int[])[.. common, .. Tokens(random, prefixTokens - commonTokens)]).ToArray();
        var scope = PrefixScope.ForTenant("bench");

        var resident = new ResidentPrefixes(minimumTokens: 16, bytesPerCell: 1);
        using var tree = new TokenPrefixCache(new PrefixCacheOptions { MaxBytes = long.MaxValue / 2 });
        for (var i = 0; i < count; i++)
        {
            resident.TryAdd(new ResidentPrefix(i, held[i], new KvRequest(held[i], scope, 0, null, 1, held[i].Length)));
            tree.Insert(held[i], scope, new TinyPayload());
        }

        // The lookup: the middle held prompt plus a new turn, so every held prompt is compared over the common tokens.
        int[] query = [.. held[count / 2], .. Tokens(random, turnTokens)];
        var scanned = resident.FindLongest(query, scope, 0);
        var found = tree.Lookup(query, scope);
        if (scanned?.Length != prefixTokens || found.ReusableTokens != prefixTokens)
        {
            throw new InvalidOperationException($"The matchers disagree with the setup: scan {scanned?.Length}, radix tree {found.ReusableTokens}, expected {prefixTokens}.");
        }

        // Untimed rounds first, so both run tier-1 JIT code when timed (the first count measured would pay for it otherwise).
        Time(() => resident.FindLongest(query, scope, 0));
        Time(() => tree.Lookup(query, scope));
        Thread.Sleep(200);
        var scan = new List<double>();
        var radix = new List<double>();
        for (var r = 0; r < Repeats; r++)
        {
            scan.Add(Time(() => resident.FindLongest(query, scope, 0)));
            radix.Add(Time(() => tree.Lookup(query, scope)));
        }

        return (Statistics.Median(scan), Statistics.Median(radix));
    }

    // Microseconds per call over a round of about RoundTime.
    private static double Time(Action lookup)
    {
        for (var i = 0; i < 20; i++)
        {
            lookup();
        }

        var calls = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < RoundTime)
        {
            for (var i = 0; i < 16; i++)
            {
                lookup();
            }

            calls += 16;
        }

        return watch.Elapsed.TotalMicroseconds / calls;
    }

    private static int[] Tokens(Random random, int count) => [.. Enumerable.Range(0, count).Select(_ => random.Next(100, 30_000))];

    /// <summary>Median ms of one prefill step (the new turn after the prefix in KV) and one decode step (one token after it).</summary>
    private static (double PrefillMs, double DecodeMs) MeasureSteps(string modelPath, int prefixTokens, int turnTokens)
    {
        using var model = LlamaModel.Load(new LlamaModelOptions
        {
            Load = { ModelPath = modelPath, FlashAttention = false, Threads = Environment.ProcessorCount, ContextSize = prefixTokens + turnTokens + 64 },
        });
        using var llamaContext = model.CreateContext(model.CreateContextParameters(model.ContextWindow));
        var loop = new RawPromptLoop(llamaContext);
        var vocabulary = model.Info.VocabularySize;
        var random = new Random(7);
        var prompt = Enumerable.Range(0, prefixTokens + turnTokens).Select(_ => (LLamaToken)random.Next(100, vocabulary)).ToArray();
        loop.Suffix(prompt, prefixTokens);
        var prefill = new List<double>();
        var decode = new List<double>();
        for (var r = 0; r < Repeats; r++)
        {
            prefill.Add(loop.Suffix(prompt, prefixTokens));
            decode.Add(loop.Suffix(prompt[..(prefixTokens + 1)], prefixTokens));
        }

        return (Statistics.Median(prefill), Statistics.Median(decode));
    }

    private sealed class TinyPayload : IPrefixStatePayload
    {
        public long SizeInBytes => 1;

        public ReadOnlySpan<byte> Bytes => [];
    }
}
