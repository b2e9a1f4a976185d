using System.Diagnostics;
using Agents.Backends.Llama;
using Agents.Backends.Llama.Generation;
using Agents.Bench.Models;
using LLama.Native;

namespace Agents.Bench.Scenarios;

/// <summary>
/// Greedy decode speed through the whole <see cref="IGenerator"/> (chat formatting, scheduler, streaming,
/// detokenization) against a hand-written LLamaSharp decode loop on the same weights, context size and threads.
/// Both rates are completion tokens over the whole call (a short prompt's prefill included, the same on both sides):
/// the SDK's streamed text can be held back (stop-sequence matching, whole UTF-8 characters), so timing from its
/// first text would flatter it.
/// </summary>
internal sealed class DecodeScenario : IBenchmarkScenario
{
    private const int ContextSize = 512;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(300);
    private const string Prompt = "Once upon a time, in a land far away, there lived";

    public string Name => "decode";

    public string Description => "greedy tokens/s: LlamaGenerator (IGenerator) vs a raw LLamaSharp decode loop, same model and threads";

    public async Task<IReadOnlyDictionary<string, object?>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var tokens = Statistics.IntOption(context, "--tokens", 128);
        var threads = Statistics.IntOption(context, "--threads", 2);
        var rounds = Statistics.IntOption(context, "--rounds", 11);
        var modelPath = await BenchmarkModel.EnsureQ8Async(context, cancellationToken);

        using var generator = new LlamaGenerator(new LlamaModelOptions
        {
            Load =
            {
                ModelPath = modelPath,
                ContextSize = ContextSize,
                Threads = threads,
                ChatTemplateFallback = LlamaChatFormats.Llama2,
            },
            Scheduling =
            {
                MaxConcurrentSequences = 1,
                MaxBeamWidth = 1,
            },
        });
        var model = generator.GetService<LlamaModel>()!;
        using var rawContext = model.CreateContext(model.CreateContextParameters(ContextSize));
        var promptTokens = model.Weights.Tokenize($"[INST] {Prompt} [/INST]", true, false, System.Text.Encoding.UTF8);
        var request = GenerationRequest.FromPrompt(Prompt, new GenerationOptions { MaxTokens = tokens, Decoding = DecodingStrategy.Greedy });

        await MeasureSdkAsync(generator, request, stream: false, cancellationToken);
        await MeasureSdkAsync(generator, request, stream: true, cancellationToken);
        MeasureRaw(rawContext, promptTokens, tokens, cancellationToken);
        var sdkRuns = new List<double>();
        var sdkStreamRuns = new List<double>();
        var rawRuns = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            // Alternate the order so drift on a shared machine hits both sides alike; on this loaded 2-core box the
            // first run after a pause was measurably faster, so each run starts after the same short pause.
            if (round % 2 == 0)
            {
                sdkRuns.Add(await MeasureSdkAsync(generator, request, stream: false, cancellationToken));
                sdkStreamRuns.Add(await MeasureSdkAsync(generator, request, stream: true, cancellationToken));
                rawRuns.Add(MeasureRaw(rawContext, promptTokens, tokens, cancellationToken));
            }
            else
            {
                rawRuns.Add(MeasureRaw(rawContext, promptTokens, tokens, cancellationToken));
                sdkStreamRuns.Add(await MeasureSdkAsync(generator, request, stream: true, cancellationToken));
                sdkRuns.Add(await MeasureSdkAsync(generator, request, stream: false, cancellationToken));
            }

            context.Log($"round {round + 1}/{rounds}: sdk {sdkRuns[^1]:F1} tok/s, sdk stream {sdkStreamRuns[^1]:F1} tok/s, raw {rawRuns[^1]:F1} tok/s");
        }

        var sdk = Statistics.Median(sdkRuns);
        var sdkStream = Statistics.Median(sdkStreamRuns);
        var raw = Statistics.Median(rawRuns);
        return new Dictionary<string, object?>
        {
            // GenerateAsync: the caller is woken once, at the end, as the raw loop's caller is.
            ["sdk_tokens_per_s"] = Math.Round(sdk, 2),
            ["raw_tokens_per_s"] = Math.Round(raw, 2),
            ["ratio"] = Math.Round(sdk / raw, 4),

            // StreamAsync: the consumer wakes on every token, on a 2-core machine that llama.cpp's two threads fill.
            ["sdk_stream_tokens_per_s"] = Math.Round(sdkStream, 2),
            ["stream_ratio"] = Math.Round(sdkStream / raw, 4),
            ["target_ratio"] = 0.97,
            ["tokens_per_run"] = tokens,
            ["sdk_completion_tokens_last_run"] = s_lastSdkCompletionTokens,
            ["rounds"] = rounds,
            ["threads"] = threads,
            ["model"] = $"random llama {model.Info.ParameterCount / 1e6:F0}M parameters, {model.Info.FileType}, 32k vocabulary",
            ["load_average"] = LoadAverage(),
        };
    }

    internal static string? LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;

    private static int s_lastSdkCompletionTokens;

    private static async Task<double> MeasureSdkAsync(IGenerator generator, GenerationRequest request, bool stream, CancellationToken cancellationToken)
    {
        await Task.Delay(Pause, cancellationToken);
        var stopwatch = Stopwatch.StartNew();
        var completion = 0;
        if (stream)
        {
            await foreach (var update in generator.StreamAsync(request, cancellationToken))
            {
                completion = update.Usage?.CompletionTokens ?? completion;
            }
        }
        else
        {
            completion = (await generator.GenerateAsync(request, cancellationToken)).Usage?.CompletionTokens ?? 0;
        }

        s_lastSdkCompletionTokens = completion;
        return completion / stopwatch.Elapsed.TotalSeconds;
    }

    // The loop a user would write with LLamaSharp directly: prefill, then argmax and decode one token at a time.
    private static double MeasureRaw(LLama.LLamaContext context, LLamaToken[] prompt, int tokens, CancellationToken cancellationToken)
    {
        Thread.Sleep(Pause);
        var stopwatch = Stopwatch.StartNew();
        var handle = context.NativeHandle;
        handle.MemoryClear();
        var batch = new LLamaBatch();
        batch.AddRange(prompt, 0, LLamaSeqId.Zero, true);
        Check(handle.Decode(batch));
        var next = (LLamaToken)Logits.ArgMax(handle.GetLogitsIth(batch.TokenCount - 1));
        for (var i = 1; i < tokens; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            batch.Clear();
            batch.Add(next, prompt.Length + i - 1, LLamaSeqId.Zero, true);
            Check(handle.Decode(batch));
            next = (LLamaToken)Logits.ArgMax(handle.GetLogitsIth(0));
        }

        return tokens / stopwatch.Elapsed.TotalSeconds;
    }

    private static void Check(DecodeResult result)
    {
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode failed: {result}");
        }
    }
}
