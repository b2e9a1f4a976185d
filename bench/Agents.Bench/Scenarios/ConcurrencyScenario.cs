using System.Diagnostics;
using Agents.Backends.Llama;
using Agents.Bench.Models;

namespace Agents.Bench.Scenarios;

/// <summary>
/// Aggregate greedy decode throughput of 1, 4 and 8 concurrent streams on one <see cref="LlamaGenerator"/>
/// (its scheduler batches active sequences into one decode per step). Throughput is every stream's completion
/// tokens over the wall time from the first request to the last stream's end.
/// </summary>
internal sealed class ConcurrencyScenario : IBenchmarkScenario
{
    public string Name => "concurrency";

    public string Description => "aggregate tokens/s of 4 and 8 concurrent streams vs 1 on one LlamaGenerator";

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
            ModelPath = modelPath,
            ContextSize = contextSize,
            KvCacheTokens = kvTokens,
            Threads = threads,
            MaxConcurrentSequences = 8,
            MaxBeamWidth = 1,
            ChatTemplateFallback = LlamaChatFormats.Llama2,
            FlashAttention = flashAttention,
        });

        await MeasureAsync(generator, 2, tokens, cancellationToken);
        var runs = new Dictionary<int, List<double>> { [1] = [], [4] = [], [8] = [] };
        for (var round = 0; round < rounds; round++)
        {
            foreach (var streams in round % 2 == 0 ? new[] { 1, 4, 8 } : [8, 4, 1])
            {
                runs[streams].Add(await MeasureAsync(generator, streams, tokens, cancellationToken));
            }

            context.Log($"round {round + 1}/{rounds}: 1 → {runs[1][^1]:F1}, 4 → {runs[4][^1]:F1}, 8 → {runs[8][^1]:F1} tok/s");
        }

        var single = Statistics.Median(runs[1]);
        var four = Statistics.Median(runs[4]);
        var eight = Statistics.Median(runs[8]);
        var model = generator.ModelInfo;
        return new Dictionary<string, object?>
        {
            ["single_tokens_per_s"] = Math.Round(single, 2),
            ["concurrent4_tokens_per_s"] = Math.Round(four, 2),
            ["concurrent8_tokens_per_s"] = Math.Round(eight, 2),
            ["speedup"] = Math.Round(four / single, 3),
            ["speedup8"] = Math.Round(eight / single, 3),
            ["target_speedup"] = 1.5,
            ["target_speedup8"] = 2.0,
            ["tokens_per_stream"] = tokens,
            ["rounds"] = rounds,
            ["threads"] = threads,
            ["flash_attention"] = generator.GetService<LlamaModel>()!.Options.UsesFlashAttention,
            ["context_per_sequence"] = contextSize,
            ["kv_cache_tokens"] = kvTokens,
            ["model"] = $"random llama {model.ParameterCount / 1e6:F0}M parameters, {model.FileType}, 32k vocabulary",
            ["load_average"] = DecodeScenario.LoadAverage(),
        };
    }

    private static async Task<double> MeasureAsync(IGenerator generator, int streams, int tokens, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, streams).Select(i => generator.GenerateAsync(
            GenerationRequest.FromPrompt($"Stream {i}: tell me about the number {i * 7}.", new GenerationOptions
            {
                MaxTokens = tokens,
                Decoding = DecodingStrategy.Greedy,
            }),
            cancellationToken)));
        var elapsed = stopwatch.Elapsed;
        return results.Sum(r => r.Usage?.CompletionTokens ?? 0) / elapsed.TotalSeconds;
    }
}
