using System.Diagnostics;
using Agents.Backends.Llama;
using Agents.Bench.Models;
using LLama;
using LLama.Native;

namespace Agents.Bench.Scenarios;

/// <summary>
/// Aggregate greedy decode throughput of 1, 4 and 8 concurrent streams on one <see cref="LlamaGenerator"/>
/// (its scheduler batches active sequences into one decode per step), against its own ceiling measured in the same
/// rounds: the hand-written batch loop of <c>batch-probe</c> (<see cref="RawBatchLoop"/>) in a second context over the
/// same weights, same stream count, prompt length and tokens, its prompts' evaluation timed as a request's is.
/// Throughput is every stream's completion tokens over the wall time from the first request to the last stream's end.
/// </summary>
internal sealed class ConcurrencyScenario : IBenchmarkScenario
{
    public string Name => "concurrency";

    public string Description => "aggregate tokens/s of 1, 4 and 8 concurrent streams on one LlamaGenerator vs the raw batch loop, same rounds";

    public async Task<IReadOnlyDictionary<string, object?>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var tokens = Statistics.IntOption(context, "--tokens", 128);
        var threads = Statistics.IntOption(context, "--threads", 2);
        var rounds = Statistics.IntOption(context, "--rounds", 9);
        var flashAttention = Statistics.FlashAttentionOption(context);

        // Each stream needs its prompt (about 25 tokens) plus its completion: a 256-token window per sequence, and a KV
        // cache sized for 8 of them, as a server sizes its slots.
        var contextSize = Statistics.IntOption(context, "--context", 256);
        var kvTokens = Statistics.IntOption(context, "--kv-tokens", 8 * contextSize);
        var modelPath = await BenchmarkModel.EnsureQ8Async(context, cancellationToken);

        using var generator = new LlamaGenerator(new LlamaModelOptions
        {
            Load =
            {
                ModelPath = modelPath,
                ContextSize = contextSize,
                Threads = threads,
                ChatTemplateFallback = LlamaChatFormats.Llama2,
                FlashAttention = flashAttention,
            },
            Scheduling =
            {
                KvCacheTokens = kvTokens,
                MaxConcurrentSequences = 8,
                MaxBeamWidth = 1,
            },
        });

        // The ceiling: a second context over the same weights, as large and with the same settings as the generator's.
        var model = generator.GetService<LlamaModel>()!;
        using var raw = model.CreateContext(model.CreateContextParameters(kvTokens, sequenceCount: 8));
        var batch = new LLamaBatch();
        var promptTokens = (await generator.GenerateAsync(Request(0, 1), cancellationToken)).Usage?.PromptTokens ?? 25;

        await MeasureAsync(generator, 2, tokens, cancellationToken);
        RawBatchLoop.Measure(raw, batch, 2, promptTokens, tokens, includePrompt: true);
        var runs = new Dictionary<int, List<double>> { [1] = [], [4] = [], [8] = [] };
        var rawRuns = new Dictionary<int, List<double>> { [1] = [], [4] = [], [8] = [] };
        for (var round = 0; round < rounds; round++)
        {
            // SDK and raw loop alternate within each stream count, so drift on a shared machine hits both alike.
            foreach (var streams in round % 2 == 0 ? new[] { 1, 4, 8 } : [8, 4, 1])
            {
                if ((round + streams) % 2 == 0)
                {
                    runs[streams].Add(await MeasureAsync(generator, streams, tokens, cancellationToken));
                    rawRuns[streams].Add(RawBatchLoop.Measure(raw, batch, streams, promptTokens, tokens, includePrompt: true));
                }
                else
                {
                    rawRuns[streams].Add(RawBatchLoop.Measure(raw, batch, streams, promptTokens, tokens, includePrompt: true));
                    runs[streams].Add(await MeasureAsync(generator, streams, tokens, cancellationToken));
                }
            }

            context.Log($"round {round + 1}/{rounds}: SDK 1 → {runs[1][^1]:F1}, 4 → {runs[4][^1]:F1}, 8 → {runs[8][^1]:F1}; "
                + $"raw 1 → {rawRuns[1][^1]:F1}, 4 → {rawRuns[4][^1]:F1}, 8 → {rawRuns[8][^1]:F1} tok/s");
        }

        var single = Statistics.Median(runs[1]);
        var four = Statistics.Median(runs[4]);
        var eight = Statistics.Median(runs[8]);
        var rawSingle = Statistics.Median(rawRuns[1]);
        var rawFour = Statistics.Median(rawRuns[4]);
        var rawEight = Statistics.Median(rawRuns[8]);
        var info = generator.ModelInfo;
        return new Dictionary<string, object?>
        {
            ["single_tokens_per_s"] = Math.Round(single, 2),
            ["concurrent4_tokens_per_s"] = Math.Round(four, 2),
            ["concurrent8_tokens_per_s"] = Math.Round(eight, 2),
            ["raw_single_tokens_per_s"] = Math.Round(rawSingle, 2),
            ["raw_concurrent4_tokens_per_s"] = Math.Round(rawFour, 2),
            ["raw_concurrent8_tokens_per_s"] = Math.Round(rawEight, 2),
            ["aggregate_ratio"] = Math.Round(single / rawSingle, 3),
            ["aggregate4_ratio"] = Math.Round(four / rawFour, 3),
            ["aggregate8_ratio"] = Math.Round(eight / rawEight, 3),
            ["target_aggregate_ratio"] = 0.95,
            ["speedup"] = Math.Round(four / single, 3),
            ["speedup8"] = Math.Round(eight / single, 3),
            ["raw_speedup"] = Math.Round(rawFour / rawSingle, 3),
            ["raw_speedup8"] = Math.Round(rawEight / rawSingle, 3),
            ["prompt_tokens"] = promptTokens,
            ["tokens_per_stream"] = tokens,
            ["rounds"] = rounds,
            ["threads"] = threads,
            ["flash_attention"] = generator.GetService<LlamaModel>()!.Options.UsesFlashAttention,
            ["context_per_sequence"] = contextSize,
            ["kv_cache_tokens"] = kvTokens,
            ["model"] = $"random llama {info.ParameterCount / 1e6:F0}M parameters, {info.FileType}, 32k vocabulary",
            ["load_average"] = DecodeScenario.LoadAverage(),
        };
    }

    private static GenerationRequest Request(int stream, int tokens) =>
        GenerationRequest.FromPrompt($"Stream {stream}: tell me about the number {stream * 7}.", new GenerationOptions
        {
            MaxTokens = tokens,
            Decoding = DecodingStrategy.Greedy,
        });

    private static async Task<double> MeasureAsync(IGenerator generator, int streams, int tokens, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, streams).Select(i => generator.GenerateAsync(Request(i, tokens), cancellationToken)));
        var elapsed = stopwatch.Elapsed;
        return results.Sum(r => r.Usage?.CompletionTokens ?? 0) / elapsed.TotalSeconds;
    }
}
