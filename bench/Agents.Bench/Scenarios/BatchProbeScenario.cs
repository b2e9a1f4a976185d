using Agents.Backends.Llama;
using Agents.Bench.Models;
using LLama;
using LLama.Native;

namespace Agents.Bench.Scenarios;

/// <summary>
/// The native ceiling for the <c>concurrency</c> scenario: a hand-written LLamaSharp loop that decodes one token of
/// each of 1, 4 and 8 sequences per step in one context (no sampling, no scheduler), so the SDK's batched figures can
/// be read against what llama.cpp itself gives on the machine.
/// </summary>
internal sealed class BatchProbeScenario : IBenchmarkScenario
{
    public string Name => "batch-probe";

    public string Description => "raw LLamaSharp batched decode of 1, 4 and 8 sequences (the concurrency scenario's ceiling)";

    public async Task<IReadOnlyDictionary<string, object?>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var tokens = Statistics.IntOption(context, "--tokens", 128);
        var threads = Statistics.IntOption(context, "--threads", 2);
        var rounds = Statistics.IntOption(context, "--rounds", 9);
        var prompt = Statistics.IntOption(context, "--prompt", 25);
        var modelPath = await BenchmarkModel.EnsureQ8Async(context, cancellationToken);
        var flashAttention = Statistics.FlashAttentionOption(context);
        using var model = LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = modelPath, Threads = threads, FlashAttention = flashAttention } });
        var parameters = model.CreateContextParameters(Statistics.IntOption(context, "--kv-tokens", 2048), sequenceCount: 8);
        using var llama = model.CreateContext(parameters);
        var batch = new LLamaBatch();
        var results = new Dictionary<string, object?>();
        var rates = new Dictionary<int, List<double>> { [1] = [], [4] = [], [8] = [] };
        for (var round = 0; round < rounds; round++)
        {
            foreach (var n in round % 2 == 0 ? new[] { 1, 4, 8 } : [8, 4, 1])
            {
                rates[n].Add(RawBatchLoop.Measure(llama, batch, n, prompt, tokens, includePrompt: false));
            }

            context.Log($"round {round + 1}: 1 → {rates[1][^1]:F1}, 4 → {rates[4][^1]:F1}, 8 → {rates[8][^1]:F1} tok/s");
        }

        var single = Statistics.Median(rates[1]);
        results["raw_single_tokens_per_s"] = Math.Round(single, 1);
        results["raw_concurrent4_tokens_per_s"] = Math.Round(Statistics.Median(rates[4]), 1);
        results["raw_concurrent8_tokens_per_s"] = Math.Round(Statistics.Median(rates[8]), 1);
        results["raw_speedup"] = Math.Round(Statistics.Median(rates[4]) / single, 3);
        results["raw_speedup8"] = Math.Round(Statistics.Median(rates[8]) / single, 3);
        results["threads"] = threads;
        results["flash_attention"] = model.Options.UsesFlashAttention;
        return results;
    }
}
