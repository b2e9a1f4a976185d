using System.Diagnostics;
using System.Globalization;
using Agents.Backends.Llama;
using Agents.Backends.Llama.PrefixCache;
using LLama;
using LLama.Native;

namespace Agents.Bench.Scenarios;

/// <summary>
/// Which way of reusing a KV prefix is fastest, and whether it is exact: a prefix of <c>--prefix</c> tokens then a
/// suffix of <c>--suffix</c> tokens, time to the suffix's logits cold (whole prompt) against keeping the prefix in
/// place and trimming, copying it between sequences (<c>MemorySequenceCopy</c>), and restoring a saved sequence state
/// (<see cref="SequenceStateIO"/>) — each with flash attention off and on, with greedy output compared to cold.
/// </summary>
internal sealed class PrefixCacheProbeScenario : IBenchmarkScenario
{
    private const int Generate = 16;

    public string Name => "prefix-cache-probe";

    public string Description => "raw LLamaSharp KV reuse: cold prefill vs trim / sequence copy / state restore, flash attention off and on";

    public Task<IReadOnlyDictionary<string, object?>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var model = context.Option("--model", Environment.GetEnvironmentVariable("AGENTS_TEST_MODEL")
            ?? Path.GetFullPath(Path.Combine("..", "shared", "models", "llama-2-tiny-random.gguf")))!;
        var prefix = int.Parse(context.Option("--prefix", "2000")!, CultureInfo.InvariantCulture);
        var suffix = int.Parse(context.Option("--suffix", "50")!, CultureInfo.InvariantCulture);
        var repeats = int.Parse(context.Option("--repeats", "5")!, CultureInfo.InvariantCulture);
        var results = new Dictionary<string, object?>
        {
            ["model"] = Path.GetFileName(model),
            ["prefix_tokens"] = prefix,
            ["suffix_tokens"] = suffix,
        };
        foreach (var flash in new[] { false, true })
        {
            cancellationToken.ThrowIfCancellationRequested();
            context.Log($"flash attention {(flash ? "on" : "off")}: {prefix}+{suffix} tokens, {repeats} repeats");
            // Room for two copies: the prefix kept in sequence 0 while a restored state fills sequence 1.
            using var probe = new Probe(model, flash, (2 * (prefix + suffix + Generate)) + 64);
            foreach (var (key, value) in probe.Run(prefix, suffix, repeats))
            {
                results[(flash ? "fa_on_" : "fa_off_") + key] = value;
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, object?>>(results);
    }

    private sealed class Probe : IDisposable
    {
        private static readonly LLamaSeqId s_first = (LLamaSeqId)0;
        private static readonly LLamaSeqId s_second = (LLamaSeqId)1;
        private readonly LlamaModel _model;
        private readonly LLamaContext _context;
        private readonly LLamaBatch _batch = new();
        private LLamaToken[] _tokens = [];
        private float[] _lastLogits = [];

        public Probe(string path, bool flashAttention, int contextSize)
        {
            _model = LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = path, FlashAttention = flashAttention, Threads = Environment.ProcessorCount } });
            _context = _model.CreateContext(_model.CreateContextParameters(Math.Max(contextSize, 512), sequenceCount: 2));
        }

        private SafeLLamaContextHandle Handle => _context.NativeHandle;

        public Dictionary<string, object?> Run(int prefix, int suffix, int repeats)
        {
            var random = new Random(42);
            _tokens = [.. Enumerable.Range(0, prefix + suffix).Select(_ => (LLamaToken)random.Next(100, 31_000))];
            var end = prefix + suffix;

            var cold = new List<double>();
            float[] coldLogits = [];
            int[] coldOutput = [];
            for (var r = 0; r < repeats; r++)
            {
                Handle.MemoryClear(data: true);
                var watch = Stopwatch.StartNew();
                coldLogits = Evaluate(s_first, 0, end);
                cold.Add(watch.Elapsed.TotalMilliseconds);
                coldOutput = Greedy(s_first, coldLogits, end);
            }

            Handle.MemoryClear(data: true);
            Evaluate(s_first, 0, prefix);
            // What a cache miss adds: saving the evaluated prompt (the cache saves into native memory).
            var saves = new List<double>();
            for (var r = 0; r < repeats; r++)
            {
                var watch = Stopwatch.StartNew();
                using var saved = SequenceStateIO.SaveNative(Handle, s_first);
                saves.Add(watch.Elapsed.TotalMilliseconds);
            }

            var state = SequenceStateIO.Save(Handle, s_first);

            var trim = new Method();
            var copy = new Method();
            var restore = new Method();
            var restoreOnly = new List<double>();
            for (var r = 0; r < repeats; r++)
            {
                // Keep the prefix in place: drop what followed it, evaluate the suffix.
                var watch = Stopwatch.StartNew();
                Handle.MemorySequenceRemove(s_first, prefix, -1);
                trim.Add(watch, Evaluate(s_first, prefix, end), coldLogits, () => Greedy(s_first, _lastLogits, end), coldOutput);
                Handle.MemorySequenceRemove(s_first, prefix, -1);

                // Copy the prefix into another sequence (cells are shared, nothing is copied).
                watch.Restart();
                Handle.MemorySequenceCopy(s_first, s_second, 0, prefix);
                copy.Add(watch, Evaluate(s_second, prefix, end), coldLogits, () => Greedy(s_second, _lastLogits, end), coldOutput);
                Handle.MemorySequenceRemove(s_second, -1, -1);

                // Restore a saved sequence state into another sequence.
                watch.Restart();
                if (!SequenceStateIO.TryRestore(Handle, s_second, state))
                {
                    throw new InvalidOperationException("llama.cpp refused the saved state.");
                }

                restoreOnly.Add(watch.Elapsed.TotalMilliseconds);
                restore.Add(watch, Evaluate(s_second, prefix, end), coldLogits, () => Greedy(s_second, _lastLogits, end), coldOutput);
                Handle.MemorySequenceRemove(s_second, -1, -1);
            }

            return new()
            {
                ["ttft_cold_ms"] = Median(cold),
                ["ttft_trim_ms"] = Median(trim.Times),
                ["ttft_copy_ms"] = Median(copy.Times),
                ["ttft_restore_ms"] = Median(restore.Times),
                ["restore_only_ms"] = Median(restoreOnly),
                ["save_ms"] = Median(saves),
                ["state_bytes_per_token"] = Math.Round(state.Length / (double)prefix, 1),
                ["speedup_restore"] = Math.Round(Median(cold) / Median(restore.Times), 2),
                ["miss_overhead_pct"] = Math.Round(100 * Median(saves) / Median(cold), 2),
                ["identical"] = trim.Identical && copy.Identical && restore.Identical,
                ["max_logit_diff"] = Math.Max(trim.MaxLogitDiff, Math.Max(copy.MaxLogitDiff, restore.MaxLogitDiff)),
            };
        }

        private float[] Evaluate(LLamaSeqId sequence, int from, int to)
        {
            var batchSize = (int)_context.BatchSize;
            for (var start = from; start < to; start += batchSize)
            {
                _batch.Clear();
                var stop = Math.Min(to, start + batchSize);
                for (var i = start; i < stop; i++)
                {
                    _batch.Add(_tokens[i], i, sequence, i == to - 1);
                }

                var result = Handle.Decode(_batch);
                if (result != DecodeResult.Ok)
                {
                    throw new InvalidOperationException($"decode failed: {result}");
                }
            }

            return _lastLogits = Handle.GetLogitsIth(_batch.TokenCount - 1).ToArray();
        }

        private int[] Greedy(LLamaSeqId sequence, float[] logits, int position)
        {
            var output = new int[Generate];
            for (var g = 0; g < Generate; g++)
            {
                var best = 0;
                for (var v = 1; v < logits.Length; v++)
                {
                    if (logits[v] > logits[best])
                    {
                        best = v;
                    }
                }

                output[g] = best;
                _batch.Clear();
                _batch.Add((LLamaToken)best, position + g, sequence, true);
                if (Handle.Decode(_batch) != DecodeResult.Ok)
                {
                    throw new InvalidOperationException("decode failed");
                }

                logits = Handle.GetLogitsIth(0).ToArray();
            }

            return output;
        }

        private static double Median(List<double> values)
        {
            var sorted = values.Order().ToList();
            return Math.Round(sorted[sorted.Count / 2], 2);
        }

        public void Dispose()
        {
            _context.Dispose();
            _model.Dispose();
        }

        private sealed class Method
        {
            public List<double> Times { get; } = [];

            public bool Identical { get; private set; } = true;

            public double MaxLogitDiff { get; private set; }

            public void Add(Stopwatch watch, float[] logits, float[] coldLogits, Func<int[]> greedy, int[] coldOutput)
            {
                Times.Add(watch.Elapsed.TotalMilliseconds);
                for (var i = 0; i < logits.Length; i++)
                {
                    MaxLogitDiff = Math.Max(MaxLogitDiff, Math.Abs(logits[i] - coldLogits[i]));
                }

                Identical &= greedy().SequenceEqual(coldOutput);
            }
        }
    }
}
