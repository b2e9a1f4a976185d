using System.Diagnostics;
using System.Text.Json;
using Agents.Backends.Llama;
using Agents.Backends.Llama.Grammar;
using Agents.Bench.Models;
using Agents.Testing;
using Json.Schema;

namespace Agents.Bench.Scenarios;

/// <summary>
/// Structured output on the local backend. Validity: every schema of <see cref="StructuredSchemaCorpus"/> × 5 seeds on
/// the tiny test model under grammar-constrained decoding, each answer validated with JsonSchema.Net. Cost: tokens/s
/// with versus without the grammar on the same prompts, on the realistic-shape benchmark model.
/// </summary>
internal sealed class StructuredScenario : IBenchmarkScenario
{
    private static readonly string[] OverheadSchemas = ["person", "nested-object", "object-array", "defs-ref"];

    public string Name => "structured";

    public string Description => "schema-valid rate of grammar-constrained JSON (20+ schemas × 5 seeds, test model); tokens/s with vs without the grammar (benchmark model)";

    public async Task<IReadOnlyDictionary<string, object?>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var seeds = Statistics.IntOption(context, "--seeds", 5);
        var rounds = Statistics.IntOption(context, "--rounds", 3);
        var tokens = Statistics.IntOption(context, "--tokens", 96);
        var (attempts, valid, failures) = await MeasureValidityAsync(context, seeds, cancellationToken);
        var (withGreedy, withoutGreedy, withSampled, withoutSampled) = await MeasureOverheadAsync(context, rounds, tokens, cancellationToken);
        return new Dictionary<string, object?>
        {
            ["schemas"] = StructuredSchemaCorpus.Schemas.Count,
            ["seeds"] = seeds,
            ["attempts"] = attempts,
            ["valid"] = valid,
            ["valid_rate"] = Math.Round((double)valid / attempts, 4),
            ["target_valid_rate"] = 1.0,
            ["failures"] = failures,
            ["tokens_per_s_with_grammar"] = Math.Round(withGreedy, 2),
            ["tokens_per_s_without_grammar"] = Math.Round(withoutGreedy, 2),
            ["grammar_overhead_pct"] = Math.Round(((withoutGreedy / withGreedy) - 1) * 100, 1),
            ["sampled_tokens_per_s_with_grammar"] = Math.Round(withSampled, 2),
            ["sampled_tokens_per_s_without_grammar"] = Math.Round(withoutSampled, 2),
            ["sampled_grammar_overhead_pct"] = Math.Round(((withoutSampled / withSampled) - 1) * 100, 1),
            ["target_grammar_overhead_pct"] = 50,
            ["overhead_schemas"] = OverheadSchemas,
            ["max_tokens_per_run"] = tokens,
            ["rounds"] = rounds,
            ["load_average"] = DecodeScenario.LoadAverage(),
        };
    }

    private static async Task<(int Attempts, int Valid, List<string> Failures)> MeasureValidityAsync(BenchmarkContext context, int seeds, CancellationToken cancellationToken)
    {
        using var generator = new LlamaGenerator(new LlamaModelOptions
        {
            Load =
            {
                ModelPath = TestModel.Path,
                ContextSize = 1024,
                Threads = 2,
                ChatTemplateFallback = LlamaChatFormats.ChatML,
            },
            Scheduling =
            {
                MaxConcurrentSequences = 8,
            },
            StructuredOutput = new JsonGrammarOptions { DefaultMaxStringLength = 16, DefaultMaxItems = 4, MaxFreeFormDepth = 2 },
        });
        var attempts = 0;
        var valid = 0;
        var failures = new List<string>();
        foreach (var (name, schemaText) in StructuredSchemaCorpus.Schemas)
        {
            var schema = JsonDocument.Parse(schemaText).RootElement.Clone();
            var validator = JsonSchema.Build(schema, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
            var results = await Task.WhenAll(Enumerable.Range(1, seeds).Select(seed => generator.GenerateAsync(
                GenerationRequest.FromPrompt($"Reply with JSON for '{name}'.", new GenerationOptions
                {
                    MaxTokens = 600,
                    Temperature = 1f,
                    Seed = seed,
                    ResponseFormat = ResponseFormat.ForJsonSchema(schema),
                }),
                cancellationToken)));
            foreach (var (result, seed) in results.Select((r, i) => (r, i + 1)))
            {
                attempts++;
                if (IsValid(validator, result.Text))
                {
                    valid++;
                }
                else
                {
                    failures.Add($"{name} seed {seed}: {result.FinishReason} <{result.Text}>");
                }
            }

            context.Log($"{name}: {valid}/{attempts} valid so far");
        }

        return (attempts, valid, failures);
    }

    private static bool IsValid(JsonSchema validator, string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return validator.Evaluate(document.RootElement, new EvaluationOptions { RequireFormatValidation = true }).IsValid;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static async Task<(double WithGreedy, double WithoutGreedy, double WithSampled, double WithoutSampled)> MeasureOverheadAsync(
        BenchmarkContext context, int rounds, int tokens, CancellationToken cancellationToken)
    {
        var modelPath = await BenchmarkModel.EnsureQ8Async(context, cancellationToken);
        using var generator = new LlamaGenerator(new LlamaModelOptions
        {
            Load =
            {
                ModelPath = modelPath,
                ContextSize = 1024,
                Threads = 2,
                ChatTemplateFallback = LlamaChatFormats.Llama2,
            },
            Scheduling =
            {
                MaxConcurrentSequences = 1,
                MaxBeamWidth = 1,
            },
            StructuredOutput = new JsonGrammarOptions { DefaultMaxStringLength = 32, DefaultMaxItems = 4 },
        });
        var schemas = OverheadSchemas.Select(n => JsonDocument.Parse(StructuredSchemaCorpus.Schemas.Single(s => s.Name == n).Schema).RootElement.Clone()).ToList();
        var with = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
        var without = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
        for (var round = 0; round <= rounds; round++)
        {
            foreach (var sampled in new[] { false, true })
            {
                for (var i = 0; i < schemas.Count; i++)
                {
                    var prompt = $"Describe item {i} of round {round} as JSON.";
                    var plain = Options(tokens, sampled, round, null);
                    var constrained = Options(tokens, sampled, round, ResponseFormat.ForJsonSchema(schemas[i]));
                    // Alternate the order so drift on a shared machine hits both sides alike; round 0 warms up.
                    var (a, b) = (round + i) % 2 == 0
                        ? (await RateAsync(generator, prompt, constrained, cancellationToken), await RateAsync(generator, prompt, plain, cancellationToken))
                        : Swap(await RateAsync(generator, prompt, plain, cancellationToken), await RateAsync(generator, prompt, constrained, cancellationToken));
                    if (round > 0)
                    {
                        with[sampled].Add(a);
                        without[sampled].Add(b);
                    }
                }
            }

            context.Log($"round {round}/{rounds}: greedy with {Last(with[false])} / without {Last(without[false])} tok/s; sampled with {Last(with[true])} / without {Last(without[true])} tok/s");
        }

        return (Statistics.Median(with[false]), Statistics.Median(without[false]), Statistics.Median(with[true]), Statistics.Median(without[true]));

        static (double, double) Swap(double plain, double constrained) => (constrained, plain);
        static string Last(List<double> values) => values.Count == 0 ? "-" : values[^1].ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static GenerationOptions Options(int tokens, bool sampled, int round, ResponseFormat? format) => new()
    {
        MaxTokens = tokens,
        Temperature = sampled ? 0.8f : 0f,
        Seed = sampled ? round + 1 : null,
        ResponseFormat = format,
    };

    private static async Task<double> RateAsync(IGenerator generator, string prompt, GenerationOptions options, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var result = await generator.GenerateAsync(GenerationRequest.FromPrompt(prompt, options), cancellationToken);
        var decodeTime = stopwatch.Elapsed - (result.Timings?.TimeToFirstToken ?? TimeSpan.Zero);
        // Decode rate after the first token (prompt evaluation is the same on both sides and not the grammar's cost).
        return Math.Max(1, (result.Usage?.CompletionTokens ?? 1) - 1) / Math.Max(decodeTime.TotalSeconds, 1e-6);
    }
}
