using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Agents.Safety.Guards;
using Agents.Safety.Validation;

namespace Agents.Bench.Scenarios;

/// <summary>
/// Input guards and incremental output validators on a labelled JSONL corpus: detection and false-positive rates
/// (injection scoring for attack/benign lines, PII detection for pii/clean lines), the CPU cost of the full
/// incremental set per KB, and the time to first token that the streaming hold-back window adds.
/// </summary>
internal sealed class GuardsScenario : IBenchmarkScenario
{
    private const int MinMeasureMilliseconds = 1500;
    private const int MinWarmUpMilliseconds = 1000;
    private const int MaxWarmUpMilliseconds = 20000;

    public string Name => "guards";

    public string Description => "guards/PII on a JSONL corpus (--in): detection, false positives, µs per KB; streaming TTFT added by UseValidation";

    public async Task<IReadOnlyDictionary<string, object?>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var files = context.Option("--in") is { } input
            ? [input]
            : new[] { "injection.jsonl", "pii.jsonl" }.Select(f => Path.Combine(AppContext.BaseDirectory, "Corpus", f)).ToArray();
        var corpus = files.SelectMany(Load).ToList();
        context.Log($"{corpus.Count} lines from {string.Join(", ", files.Select(Path.GetFileName))}");

        using var guard = new InputContentGuard();
        var pii = new PiiOutputValidator();
        var blocklist = new BlocklistOutputValidator(["confidential", "project zeus", "internal only", "résumé"]);
        var mustNot = RegexOutputValidator.MustNotMatch(@"\b(?:TODO|FIXME)\b", 5);

        var injection = Rates(corpus, "attack", "benign", text => guard.Inspect(text, ContentSource.UserInput).Blocked);
        var personal = Rates(corpus, "pii", "clean", text => pii.Scan(text).Count > 0);
        var positives = injection.Positives + personal.Positives;
        var negatives = injection.Negatives + personal.Negatives;

        var texts = corpus.Select(c => c.Text).ToList();
        var document = string.Join("\n", texts);
        var fullSet = Measure(texts, text =>
        {
            guard.Inspect(text, ContentSource.UserInput);
            pii.Scan(text);
            blocklist.Scan(text);
            mustNot.Scan(text);
        });
        var guardsOnly = Measure(texts, text => guard.Inspect(text, ContentSource.UserInput));
        var piiOnly = Measure(texts, text => pii.Scan(text));
        var fullSetDocument = Measure([document], text =>
        {
            guard.Inspect(text, ContentSource.UserInput);
            pii.Scan(text);
            blocklist.Scan(text);
            mustNot.Scan(text);
        });
        context.Log($"full incremental set: {fullSet.CpuUsPerKb:F1} CPU µs/KB ({fullSet.WallUsPerKb:F1} wall) per line, {fullSetDocument.CpuUsPerKb:F1} CPU µs/KB as one document");

        var tokenMs = double.Parse(context.Option("--token-ms", "10")!, CultureInfo.InvariantCulture);
        var (baselineTtft, validatedTtft, holdBack) = await MeasureTtftAsync(tokenMs, cancellationToken);
        var (bareStream, validatedStream) = await MeasureStreamCpuAsync(cancellationToken);
        context.Log($"TTFT {baselineTtft:F1} ms bare, {validatedTtft:F1} ms validated (hold-back {holdBack} chars, {tokenMs} ms per 4-character token)");

        return new Dictionary<string, object?>
        {
            ["input"] = string.Join(",", files.Select(Path.GetFileName)),
            ["n"] = corpus.Count,
            ["detected_rate"] = Round(positives == 0 ? double.NaN : (double)(injection.Detected + personal.Detected) / positives),
            ["false_positive_rate"] = Round(negatives == 0 ? double.NaN : (double)(injection.FalsePositives + personal.FalsePositives) / negatives),
            ["us_per_kb"] = Math.Round(fullSet.CpuUsPerKb, 2),
            ["us_per_kb_wall"] = Math.Round(fullSet.WallUsPerKb, 2),
            ["injection"] = injection.ToJson(),
            ["pii"] = personal.ToJson(),
            ["us_per_kb_guards"] = Math.Round(guardsOnly.CpuUsPerKb, 2),
            ["us_per_kb_pii"] = Math.Round(piiOnly.CpuUsPerKb, 2),
            ["us_per_kb_one_document"] = Math.Round(fullSetDocument.CpuUsPerKb, 2),
            ["corpus_kb"] = Math.Round(Encoding.UTF8.GetByteCount(document) / 1024.0, 1),
            ["simulated_token_ms"] = tokenMs,
            ["hold_back_chars"] = holdBack,
            ["ttft_baseline_ms"] = Math.Round(baselineTtft, 2),
            ["ttft_validated_ms"] = Math.Round(validatedTtft, 2),
            ["ttft_added_ms"] = Math.Round(validatedTtft - baselineTtft, 2),
            ["ttft_ratio"] = Math.Round(validatedTtft / baselineTtft, 2),
            ["stream_bare_us_per_kb"] = Math.Round(bareStream, 2),
            ["stream_validated_us_per_kb"] = Math.Round(validatedStream, 2),
        };
    }

    private static double Round(double value) => double.IsNaN(value) ? double.NaN : Math.Round(value, 4);

    private static IEnumerable<(string Text, string Label)> Load(string path)
    {
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0))
        {
            using var json = JsonDocument.Parse(line);
            yield return (json.RootElement.GetProperty("text").GetString()!, json.RootElement.GetProperty("label").GetString()!);
        }
    }

    private static CorpusRates Rates(List<(string Text, string Label)> corpus, string positive, string negative, Func<string, bool> flagged)
    {
        var positives = corpus.Where(c => c.Label == positive).ToList();
        var negatives = corpus.Where(c => c.Label == negative).ToList();
        return new CorpusRates(positives.Count, positives.Count(c => flagged(c.Text)), negatives.Count, negatives.Count(c => flagged(c.Text)));
    }

    /// <summary>
    /// Runs <paramref name="work"/> over every text until enough time has passed; the median of five rounds, in µs per KB
    /// of UTF-8, measured as process CPU time (on a shared, overloaded machine wall time mostly measures waiting for a core)
    /// and as wall time.
    /// </summary>
    private static (double CpuUsPerKb, double WallUsPerKb) Measure(IReadOnlyList<string> texts, Action<string> work)
    {
        var kb = texts.Sum(t => Encoding.UTF8.GetByteCount(t)) / 1024.0;
        var process = Process.GetCurrentProcess();
        WarmUp(texts, work);
        var cpuRounds = new List<double>();
        var wallRounds = new List<double>();
        for (var round = 0; round < 5; round++)
        {
            var passes = 0;
            process.Refresh();
            var cpuStart = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            do
            {
                foreach (var text in texts)
                {
                    work(text);
                }

                passes++;
            }
            while (watch.ElapsedMilliseconds < MinMeasureMilliseconds / 5);

            process.Refresh();
            cpuRounds.Add((process.TotalProcessorTime - cpuStart).TotalMicroseconds / (passes * kb));
            wallRounds.Add(watch.Elapsed.TotalMicroseconds / (passes * kb));
        }

        cpuRounds.Sort();
        wallRounds.Sort();
        return (cpuRounds[2], wallRounds[2]);
    }

    /// <summary>
    /// Runs <paramref name="work"/> until the JIT has stopped compiling (no method compiled during a whole window; at
    /// least <see cref="MinWarmUpMilliseconds"/>, at most <see cref="MaxWarmUpMilliseconds"/>). One pass is not enough:
    /// the source-generated regexes and the scorer start as unoptimised tier-0 code, and on a loaded machine the
    /// background JIT that replaces them with tier-1 code waits seconds for a core, so a short warm-up measured tier-0
    /// code (10–30 times slower) rather than the steady state a running service sees.
    /// </summary>
    private static void WarmUp(IReadOnlyList<string> texts, Action<string> work)
    {
        var watch = Stopwatch.StartNew();
        while (watch.ElapsedMilliseconds < MaxWarmUpMilliseconds)
        {
            var compiledBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
            var windowStart = watch.ElapsedMilliseconds;
            do
            {
                foreach (var text in texts)
                {
                    work(text);
                }
            }
            while (watch.ElapsedMilliseconds - windowStart < 500);

            if (watch.ElapsedMilliseconds >= MinWarmUpMilliseconds && System.Runtime.JitInfo.GetCompiledMethodCount() == compiledBefore)
            {
                return;
            }
        }
    }

    private static readonly string StreamText = string.Concat(Enumerable.Repeat(
        "The kettle should be descaled monthly; vinegar and water work well, and the toaster tray needs emptying weekly. ", 20));

    /// <summary>Time to first text update through a paced stream, bare and with UseValidation (PII, blocklist, regex), median of runs.</summary>
    private static async Task<(double BaselineMs, double ValidatedMs, int HoldBack)> MeasureTtftAsync(double tokenMs, CancellationToken cancellationToken)
    {
        using var bare = new PacedGenerator(tokenMs);
        using var validated = new ValidationGenerator(new PacedGenerator(tokenMs), new ValidationOptions()
            .Add(new PiiOutputValidator())
            .Add(new BlocklistOutputValidator(["project zeus"]))
            .Add(RegexOutputValidator.MustNotMatch(@"\bTODO\b", 4)));
        var request = GenerationRequest.FromPrompt("q");
        var baseline = new List<double>();
        var withValidation = new List<double>();
        for (var run = 0; run < 7; run++)
        {
            baseline.Add(await FirstTextMsAsync(bare, request, cancellationToken));
            withValidation.Add(await FirstTextMsAsync(validated, request, cancellationToken));
        }

        baseline.Sort();
        withValidation.Sort();
        return (baseline[3], withValidation[3], validated.HoldBackCharacters);
    }

    private static async Task<double> FirstTextMsAsync(IGenerator generator, GenerationRequest request, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await foreach (var update in generator.StreamAsync(request, cancellationToken))
        {
            if (update.Text.Length > 0)
            {
                return watch.Elapsed.TotalMilliseconds;
            }
        }

        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>CPU cost of streaming 2 KB in 4-character chunks with no pacing, bare and validated: µs per KB.</summary>
    private static async Task<(double Bare, double Validated)> MeasureStreamCpuAsync(CancellationToken cancellationToken)
    {
        using var bare = new PacedGenerator(0);
        using var validated = new ValidationGenerator(new PacedGenerator(0), new ValidationOptions()
            .Add(new PiiOutputValidator(), ValidationPolicy.Redact)
            .Add(new BlocklistOutputValidator(["project zeus"]))
            .Add(RegexOutputValidator.MustNotMatch(@"\bTODO\b", 4)));
        var request = GenerationRequest.FromPrompt("q");
        var kb = Encoding.UTF8.GetByteCount(StreamText) / 1024.0;

        async Task<double> RunAsync(IGenerator generator)
        {
            var samples = new List<double>();
            for (var round = 0; round < 7; round++)
            {
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < 20; i++)
                {
                    await foreach (var update in generator.StreamAsync(request, cancellationToken))
                    {
                        _ = update;
                    }
                }

                samples.Add(watch.Elapsed.TotalMicroseconds / (20 * kb));
            }

            samples.Sort();
            return samples[3];
        }

        await RunAsync(bare);
        await RunAsync(validated);
        return (await RunAsync(bare), await RunAsync(validated));
    }

    private sealed record CorpusRates(int Positives, int Detected, int Negatives, int FalsePositives)
    {
        public Dictionary<string, object?> ToJson() => new()
        {
            ["n"] = Positives + Negatives,
            ["positives"] = Positives,
            ["negatives"] = Negatives,
            ["detected_rate"] = Positives == 0 ? null : Math.Round((double)Detected / Positives, 4),
            ["false_positive_rate"] = Negatives == 0 ? null : Math.Round((double)FalsePositives / Negatives, 4),
        };
    }

    /// <summary>A backend stand-in that streams a fixed text in 4-character tokens, one every <c>tokenMs</c> milliseconds.</summary>
    private sealed class PacedGenerator(double tokenMs) : IGenerator
    {
        public Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default) =>
            Task.FromResult(new GenerationResult(StreamText) { FinishReason = FinishReason.Stop });

        public async IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < StreamText.Length; i += 4)
            {
                if (tokenMs > 0)
                {
                    // Pace by the clock (not by summed delays) so timer granularity does not accumulate.
                    var due = (i / 4 + 1) * tokenMs;
                    var wait = due - watch.Elapsed.TotalMilliseconds;
                    if (wait > 0)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(wait), cancellationToken);
                    }
                }
                else
                {
                    await Task.Yield();
                }

                yield return new GenerationUpdate { Text = StreamText.Substring(i, Math.Min(4, StreamText.Length - i)) };
            }

            yield return new GenerationUpdate { FinishReason = FinishReason.Stop };
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
