using System.Diagnostics;
using System.Globalization;
using Agents.Backends.Llama;
using Agents.Backends.Llama.Chat;
using Agents.Backends.Llama.PrefixCache;
using Agents.Backends.Llama.Tokenization;
using Agents.Bench.Models;

namespace Agents.Bench.Scenarios;

/// <summary>
/// The KV-prefix cache through the public <see cref="IGenerator"/>: a <c>--prefix-tokens</c> (2,000) shared system
/// prompt followed by a <c>--turn-tokens</c> (50) new user turn. Time to first token cold (a generator without the
/// cache) against the prefix cached (a generator with <see cref="LlamaModelOptions.PrefixCache"/> set); a 10-turn
/// chat's total time with and without the cache; greedy outputs compared; and what a miss costs (a new tenant each
/// time) against no cache at all. Runs on the realistic random-weight model unless <c>--model</c> names a file.
/// The limits, measured in the same rounds: a hand-written LLamaSharp loop (<see cref="RawPromptLoop"/>) in a fresh
/// context of the same batch size and attention setting evaluating the same prompt tokens cold
/// (<c>raw_cold_ms</c>), and only the tokens after the reused prefix with that prefix already in its KV
/// (<c>raw_suffix_ms</c>).
/// </summary>
internal sealed class PrefixCacheScenario : IBenchmarkScenario
{
    private const int CompletionTokens = 16;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(100);

    public string Name => "prefix-cache";

    public string Description => "KV-prefix cache via IGenerator: TTFT cold vs cached prefix, 10-turn chat with/without cache, miss overhead";

    public async Task<IReadOnlyDictionary<string, object?>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var prefixTokens = Statistics.IntOption(context, "--prefix-tokens", 2000);
        var turnTokens = Statistics.IntOption(context, "--turn-tokens", 50);
        var repeats = Statistics.IntOption(context, "--repeats", 7);
        var turns = Statistics.IntOption(context, "--turns", 10);
        var modelPath = context.Option("--model") ?? await BenchmarkModel.EnsureQ8Async(context, cancellationToken);

        var options = new LlamaModelOptions
        {
            Load =
            {
                ModelPath = modelPath,
                ContextSize = prefixTokens + (turns * (turnTokens + CompletionTokens + 32)) + 256,
                ChatTemplateFallback = LlamaChatFormats.ChatML,
                Threads = Environment.ProcessorCount,

                // The cache's own setting (exact reuse), for both sides: the figures measure the cache, not the attention kernel.
                FlashAttention = false,
            },
            Scheduling =
            {
                MaxConcurrentSequences = 1,
            },
        };
        var withCache = options.Clone();
        withCache.PrefixCache = new PrefixCacheOptions();
        using var cold = new LlamaGenerator(options);
        using var cached = new LlamaGenerator(withCache);
        var tokenizer = cold.GetService<ITokenizer>()!;
        var cache = cached.GetService<IPrefixCache>()!;

        var system = Message.System(TextOfTokens(tokenizer, "You are the assistant of a long-document question answering service.", prefixTokens));
        GenerationRequest Request(IEnumerable<Message> history, string tenant) =>
            new([.. history], new GenerationOptions { MaxTokens = CompletionTokens, Temperature = 0, CacheHint = new CacheHint { TenantKey = tenant } });
        Message Turn(int i) => Message.User(TextOfTokens(tokenizer, $"Question {i}: what does section {i} say about the topic?", turnTokens));

        // The raw loop's context and the exact prompt tokens the generator evaluates (same template, same tokenizer).
        var model = cold.GetService<LlamaModel>()!;
        using var rawContext = model.CreateContext(model.CreateContextParameters(model.ContextWindow));
        var raw = new RawPromptLoop(rawContext);
        var formatter = ChatPromptFormatterFactory.Create(model.Weights, model.Info, options.Load)!;
        var rawTokenizer = new LlamaTokenizer(model.Weights);
        LLama.Native.LLamaToken[] PromptOf(IReadOnlyList<Message> messages) =>
            rawTokenizer.TokenizeNative(formatter.Format(messages), addBos: true, parseSpecial: true);
        var rawCold = new List<double>();
        var rawSuffix = new List<double>();

        context.Log($"{Path.GetFileName(modelPath)}: {prefixTokens}-token prefix + {turnTokens}-token turn, {repeats} repeats");
        await cold.GenerateAsync(Request([system, Turn(0)], "warm-up"), cancellationToken);
        await cached.GenerateAsync(Request([system, Turn(0)], "warm-up"), cancellationToken);
        cache.Clear();

        // Cold (no cache at all) against misses (the cached generator with a new tenant each time: it pays the lookup
        // and keeping the prompt resident, and reuses nothing), interleaved so drift on a shared machine hits both alike.
        var coldTtft = new List<double>();
        var coldTotal = new List<double>();
        var coldTexts = new List<string>();
        var missTotal = new List<double>();
        var identical = true;
        for (var r = 1; r <= repeats; r++)
        {
            async Task Cold()
            {
                var (ttft, total, text, _) = await MeasureAsync(cold, Request([system, Turn(r)], "bench"), cancellationToken);
                coldTtft.Add(ttft);
                coldTotal.Add(total);
                coldTexts.Add(text);
            }

            async Task<string> Miss()
            {
                var (_, total, text, reused) = await MeasureAsync(cached, Request([system, Turn(r)], $"miss-{r}"), cancellationToken);
                missTotal.Add(total);
                identical &= reused == 0;
                return text;
            }

            string missText;
            if (r % 2 == 0)
            {
                await Cold();
                rawCold.Add(raw.Cold(PromptOf([system, Turn(r)])));
                missText = await Miss();
            }
            else
            {
                missText = await Miss();
                rawCold.Add(raw.Cold(PromptOf([system, Turn(r)])));
                await Cold();
            }

            identical &= missText == coldTexts[^1];
        }

        // Cached: the prefix evaluated once for this tenant (with a short turn, so its state fits every later prompt).
        await cached.GenerateAsync(Request([system, Message.User("Hello.")], "bench"), cancellationToken);
        var cachedTtft = new List<double>();
        var reusedTokens = new List<int>();
        for (var r = 1; r <= repeats; r++)
        {
            var prompt = PromptOf([system, Turn(r)]);
            if (r % 2 == 0 && reusedTokens.Count > 0)
            {
                rawSuffix.Add(raw.Suffix(prompt, reusedTokens[^1]));
            }

            var (ttft, _, text, reused) = await MeasureAsync(cached, Request([system, Turn(r)], "bench"), cancellationToken);
            cachedTtft.Add(ttft);
            reusedTokens.Add(reused);
            identical &= text == coldTexts[r - 1];
            if (r % 2 == 1 && reused > 0)
            {
                rawSuffix.Add(raw.Suffix(prompt, reused));
            }
        }

        // A multi-turn chat: each turn re-sends the whole history plus a new question.
        context.Log($"{turns}-turn chat without and with the cache");
        var (chatCold, coldReplies) = await ChatAsync(cold, system, Turn, turns, "chat", Request, cancellationToken);
        cache.Clear();
        var (chatCached, cachedReplies) = await ChatAsync(cached, system, Turn, turns, "chat", Request, cancellationToken);
        identical &= coldReplies.SequenceEqual(cachedReplies);

        // For reference: what a cold request costs with flash attention on, the default when the cache is off.
        var flashOptions = options.Clone();
        flashOptions.Load.FlashAttention = true;
        var flashTtft = new List<double>();
        using (var flash = new LlamaGenerator(flashOptions))
        {
            await flash.GenerateAsync(Request([system, Turn(0)], "warm-up"), cancellationToken);
            for (var r = 1; r <= Math.Min(3, repeats); r++)
            {
                flashTtft.Add((await MeasureAsync(flash, Request([system, Turn(r)], "bench"), cancellationToken)).Ttft);
            }
        }

        var ttftCold = Statistics.Median(coldTtft);
        var ttftCached = Statistics.Median(cachedTtft);
        var rawColdMs = Statistics.Median(rawCold);
        var rawSuffixMs = rawSuffix.Count > 0 ? Statistics.Median(rawSuffix) : double.NaN;
        var stats = cache.Statistics;
        return new Dictionary<string, object?>
        {
            ["ttft_cold_ms"] = Math.Round(ttftCold, 1),
            ["ttft_cached_ms"] = Math.Round(ttftCached, 1),
            ["speedup"] = Math.Round(ttftCold / ttftCached, 2),
            ["identical"] = identical,
            ["raw_cold_ms"] = Math.Round(rawColdMs, 1),
            ["raw_suffix_ms"] = Math.Round(rawSuffixMs, 1),
            ["cold_ratio"] = Math.Round(rawColdMs / ttftCold, 3),
            ["cached_ratio"] = Math.Round(rawSuffixMs / ttftCached, 3),
            ["target_cold_ratio"] = 0.95,
            ["target_cached_ratio"] = 0.8,
            ["ttft_cold_flash_attention_ms"] = Math.Round(Statistics.Median(flashTtft), 1),
            ["speedup_vs_flash_attention_cold"] = Math.Round(Statistics.Median(flashTtft) / ttftCached, 2),
            ["miss_overhead_pct"] = Math.Round(((Statistics.Median(missTotal) / Statistics.Median(coldTotal)) - 1) * 100, 2),
            ["chat_turns"] = turns,
            ["chat_total_cold_ms"] = Math.Round(chatCold, 1),
            ["chat_total_cached_ms"] = Math.Round(chatCached, 1),
            ["chat_speedup"] = Math.Round(chatCold / chatCached, 2),
            ["request_cold_ms"] = Math.Round(Statistics.Median(coldTotal), 1),
            ["request_miss_ms"] = Math.Round(Statistics.Median(missTotal), 1),
            ["cached_prompt_tokens"] = (int)Statistics.Median(reusedTokens.Select(t => (double)t)),
            ["prefix_tokens"] = prefixTokens,
            ["turn_tokens"] = turnTokens,
            ["repeats"] = repeats,
            ["cache_hit_tokens"] = stats.HitTokens,
            ["cache_bytes_held"] = stats.BytesHeld,
            ["flash_attention"] = options.UsesFlashAttention,
            ["threads"] = options.Load.Threads,
            ["model"] = $"{Path.GetFileName(modelPath)}, {cold.ModelInfo.ParameterCount / 1e6:F0}M parameters",
            ["load_average"] = DecodeScenario.LoadAverage(),
        };
    }

    private static async Task<(double Ttft, double Total, string Text, int CachedTokens)> MeasureAsync(
        IGenerator generator, GenerationRequest request, CancellationToken cancellationToken)
    {
        await Task.Delay(Pause, cancellationToken);
        var stopwatch = Stopwatch.StartNew();
        var result = await generator.GenerateAsync(request, cancellationToken);
        var total = stopwatch.Elapsed.TotalMilliseconds;
        var ttft = result.Timings?.TimeToFirstToken?.TotalMilliseconds ?? total;
        return (ttft, total, result.Text, result.Usage?.CachedPromptTokens ?? 0);
    }

    private static async Task<(double TotalMs, List<string> Replies)> ChatAsync(
        IGenerator generator,
        Message system,
        Func<int, Message> turn,
        int turns,
        string tenant,
        Func<IEnumerable<Message>, string, GenerationRequest> request,
        CancellationToken cancellationToken)
    {
        var history = new List<Message> { system };
        var replies = new List<string>();
        await Task.Delay(Pause, cancellationToken);
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < turns; i++)
        {
            history.Add(turn(100 + i));
            var result = await generator.GenerateAsync(request(history, tenant), cancellationToken);
            replies.Add(result.Text);
            history.Add(Message.Assistant(result.Text));
        }

        return (stopwatch.Elapsed.TotalMilliseconds, replies);
    }

    // Repeats numbered sentences until the text is at least the wanted number of tokens, then cuts it to exactly that many.
    private static string TextOfTokens(ITokenizer tokenizer, string seed, int tokens)
    {
        var builder = new System.Text.StringBuilder(seed);
        for (var i = 1; tokenizer.CountTokens(builder.ToString()) < tokens; i++)
        {
            builder.Append(CultureInfo.InvariantCulture, $" Paragraph {i} repeats the instructions in different words, number {i * 7}.");
        }

        return tokenizer.Decode(tokenizer.Encode(builder.ToString()).Take(tokens));
    }
}
