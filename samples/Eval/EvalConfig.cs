using Agents.Backends.Onnx;
using Agents.Evaluation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agents.Samples.Eval;

/// <summary>
/// The run configuration (JSON). Generators are built with the backends' own DI registrations
/// (<c>AddLlamaGenerator</c>, <c>AddOpenAIGenerator</c>, <c>AddAnthropicGenerator</c>) from the "llama", "openai" or
/// "anthropic" section of each entry, so every backend option is available and validated the usual way.
/// </summary>
public sealed class EvalConfig : IDisposable
{
    private readonly List<ServiceProvider> _providers = [];
    private MiniLmEmbeddingGenerator? _embedder;

    private EvalConfig()
    {
    }

    /// <summary>Gets the candidates, in file order (the first is the baseline).</summary>
    public List<EvalCandidate> Candidates { get; } = [];

    /// <summary>Gets the runner options (without the output folder).</summary>
    public EvalRunnerOptions RunnerOptions { get; } = new();

    /// <summary>Gets the report options (gates from the file).</summary>
    public EvalReportOptions ReportOptions { get; } = new();

    /// <summary>Loads a configuration and builds its generators.</summary>
    /// <param name="path">The JSON file.</param>
    /// <returns>The configuration; dispose it to free the generators.</returns>
    /// <exception cref="UsageException">The file is invalid; the message names the key.</exception>
    public static EvalConfig Load(string path)
    {
        IConfigurationRoot root;
        try
        {
            root = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(path), optional: false, reloadOnChange: false).Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or IOException)
        {
            throw new UsageException($"--config: '{path}' is not valid JSON ({e.GetBaseException().Message.ReplaceLineEndings(" ")}).");
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var config = new EvalConfig();
        try
        {
            config.Read(root, directory);
            return config;
        }
        catch
        {
            config.Dispose();
            throw;
        }
    }

    /// <summary>Frees the generators.</summary>
    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        _embedder?.Dispose();
    }

    private static T Get<T>(IConfiguration section, string key, T fallback)
    {
        try
        {
            return section.GetValue(key, fallback)!;
        }
        catch (InvalidOperationException)
        {
            throw new UsageException($"config: '{ConfigurationPath.Combine(section is IConfigurationSection s ? s.Path : string.Empty, key)}' must be a {typeof(T).Name}.");
        }
    }

    private void Read(IConfigurationRoot root, string directory)
    {
        RunnerOptions.Seed = Get(root, "seed", 42);
        RunnerOptions.MaxConcurrency = Get(root, "concurrency", 2);
        if (root.GetSection("metrics").Exists())
        {
            RunnerOptions.Metrics = [.. root.GetSection("metrics").GetChildren().Select(c => c.Value ?? string.Empty)];
        }

        // "semantic" embeds with the offline MiniLM model unless the file says "embedder": "none".
        var embedder = root["embedder"] ?? "minilm";
        if (embedder is not ("minilm" or "none"))
        {
            throw new UsageException($"config: embedder '{embedder}' is not one of minilm, none.");
        }

        if (embedder == "minilm" && RunnerOptions.Metrics.Contains(EvalMetricNames.Semantic))
        {
            RunnerOptions.Embedder = _embedder = new MiniLmEmbeddingGenerator();
        }

        if (root["jsonSchemaFile"] is { Length: > 0 } schemaFile)
        {
            var schemaPath = Path.GetFullPath(schemaFile, directory);
            RunnerOptions.JsonSchema = File.Exists(schemaPath) ? File.ReadAllText(schemaPath) : throw new UsageException($"config: jsonSchemaFile '{schemaFile}' does not exist.");
        }

        var robustness = root.GetSection("robustness");
        if (robustness.Exists() && !string.Equals(robustness.Value, "false", StringComparison.OrdinalIgnoreCase))
        {
            var options = new RobustnessOptions
            {
                OversizedCharacters = Get(robustness, "oversizedCharacters", 200_000),
                IrrelevantContextCharacters = Get(robustness, "irrelevantContextCharacters", 6_000),
            };
            if (robustness.GetSection("variants").Exists())
            {
                options.Variants = [.. robustness.GetSection("variants").GetChildren().Select(v =>
                    Enum.TryParse<AdversarialKind>(v.Value, ignoreCase: true, out var kind) && Enum.IsDefined(kind)
                        ? kind
                        : throw new UsageException($"config: {v.Path} '{v.Value}' is not one of {string.Join(", ", Enum.GetNames<AdversarialKind>())}."))];
            }

            RunnerOptions.Robustness = options;
        }

        ReportOptions.AuditSampleSize = Get(root, "auditSample", 10);
        ReportOptions.WorstItems = Get(root, "worstItems", 5);
        foreach (var gate in root.GetSection("failIf").GetChildren())
        {
            ReportOptions.Gates.Add(ParseGate(gate.Value ?? string.Empty, $"config: {gate.Path}"));
        }

        var generators = root.GetSection("generators").GetChildren().ToList();
        if (generators.Count == 0)
        {
            throw new UsageException("config: 'generators' must list at least one generator.");
        }

        foreach (var section in generators)
        {
            Candidates.Add(BuildCandidate(section, directory));
        }

        var judge = root.GetSection("judge");
        if (judge.Exists())
        {
            var name = judge["generator"] ?? throw new UsageException("config: 'judge:generator' must name one of the generators.");
            var judgeModel = Candidates.FirstOrDefault(c => c.Name == name)?.Generator
                ?? throw new UsageException($"config: 'judge:generator' names '{name}', which is not among the generators.");
            var criteria = judge.GetSection("rubric").GetChildren()
                .Select(c => new RubricCriterion(c["name"] ?? string.Empty, c["description"] ?? string.Empty)).ToList();
            Rubric rubric;
            try
            {
                rubric = criteria.Count == 0 ? Rubric.Default : new Rubric(criteria, Get(judge, "scaleMin", 1), Get(judge, "scaleMax", 5));
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"config: judge:rubric: {e.Message}");
            }

            var judgeOptions = new JudgeOptions { MaxRepairAttempts = Get(judge, "maxRepairAttempts", 2) };
            judgeOptions.GenerationOptions.MaxTokens = Get(judge, "maxTokens", 512);
            RunnerOptions.RubricJudge = new RubricJudge(judgeModel, rubric, judgeOptions);
            if (Get(judge, "pairwise", false))
            {
                var tieRule = Enum.TryParse<PairwiseTieRule>(judge["tieRule"] ?? "Strict", ignoreCase: true, out var rule) && Enum.IsDefined(rule)
                    ? rule
                    : throw new UsageException("config: 'judge:tieRule' must be strict or lenient.");
                RunnerOptions.PairwiseJudge = new PairwiseJudge(judgeModel, tieRule, judgeOptions);
            }
        }
    }

    /// <summary>Parses a --fail-if gate, turning a format error into a usage error.</summary>
    /// <param name="text">The gate.</param>
    /// <param name="where">Where it came from, for the message.</param>
    /// <returns>The gate.</returns>
    public static FailIfGate ParseGate(string text, string where)
    {
        try
        {
            return FailIfGate.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageException($"{where}: {e.Message}");
        }
    }

    private EvalCandidate BuildCandidate(IConfigurationSection section, string directory)
    {
        var name = section["name"];
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new UsageException($"config: {section.Path}:name is required.");
        }

        if (Candidates.Any(c => c.Name == name))
        {
            throw new UsageException($"config: two generators are named '{name}'.");
        }

        var services = new ServiceCollection();
        var backend = (section["backend"] ?? "local").ToLowerInvariant();
        switch (backend)
        {
            case "local":
                services.AddLlamaGenerator(section.GetSection("llama"));
                services.PostConfigure<Agents.Backends.Llama.LlamaModelOptions>(o =>
                {
                    if (!string.IsNullOrEmpty(o.Load.ModelPath))
                    {
                        o.Load.ModelPath = Path.GetFullPath(o.Load.ModelPath, directory);
                    }
                });
                break;
            case "openai":
                services.AddOpenAIGenerator(section.GetSection("openai"));
                break;
            case "anthropic":
                services.AddAnthropicGenerator(section.GetSection("anthropic"));
                break;
            default:
                throw new UsageException($"config: {section.Path}:backend '{backend}' must be local, openai or anthropic.");
        }

        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        IGenerator generator;
        try
        {
            generator = provider.GetRequiredService<IGenerator>();
        }
        catch (OptionsValidationException e)
        {
            throw new UsageException($"config: generator '{name}': {string.Join(" ", e.Failures).ReplaceLineEndings(" ")}");
        }

        var options = new GenerationOptions
        {
            MaxTokens = Get<int?>(section, "maxTokens", 256),
            Temperature = Get<float?>(section, "temperature", null),
            TopP = Get<float?>(section, "topP", null),
        };
        return new EvalCandidate(name, generator)
        {
            SystemPrompt = section["systemPrompt"],
            Options = options,
            PromptTokenPricePerMillion = Get(section, "promptPricePerMillion", 0m),
            CompletionTokenPricePerMillion = Get(section, "completionPricePerMillion", 0m),
        };
    }
}
