using System.Text.Json;
using Agents.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Agents.Evaluation.Tests.Runner;

public sealed class EvalRunnerTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static TestGenerator Model(Func<string, string>? answer = null) => new()
    {
        GenerateAsyncCallback = (request, _) => Task.FromResult(new GenerationResult((answer ?? Items.Answer)(request.Messages[^1].Text))
        {
            Usage = new Usage { PromptTokens = 10, CompletionTokens = 2 },
        }),
    };

    private EvalRunnerOptions Options(Action<EvalRunnerOptions>? configure = null)
    {
        var options = new EvalRunnerOptions { OutputDirectory = _folder.Path, MaxConcurrency = 2 };
        configure?.Invoke(options);
        return options;
    }

    [Fact]
    public async Task RunAsync_Capitals_ScoresEveryItem()
    {
        var run = await new EvalRunner(Options()).RunAsync(Items.Capitals, [new EvalCandidate("m", Model())]);

        var byItem = run.Results.ToDictionary(r => r.ItemId);
        Assert.Equal(4, run.Results.Count);
        Assert.Equal(1, byItem["fr"].Scores["exact_match"]);
        Assert.Equal(0, byItem["it"].Scores["exact_match"]);
        Assert.Equal(Rouge.BestF("Rome is the capital", ["Rome"], "rougeL"), byItem["it"].Scores["rougeL"], 12);
        Assert.Equal(0, byItem["es"].Scores["token_f1"]);
        Assert.Equal(10, byItem["fr"].PromptTokens);
    }

    [Fact]
    public async Task RunAsync_Rerun_SkipsFinishedItemsAndKeepsTheirResults()
    {
        var first = Model();
        var run1 = await new EvalRunner(Options()).RunAsync(Items.Capitals, [new EvalCandidate("m", first)]);
        var second = Model(_ => throw new InvalidOperationException("must not be called"));

        var run2 = await new EvalRunner(Options()).RunAsync(Items.Capitals, [new EvalCandidate("m", second)]);

        Assert.Equal(4, first.Requests.Count);
        Assert.Empty(second.Requests);
        Assert.Equal(run1.Results.Select(r => r.Output), run2.Results.Select(r => r.Output));
        Assert.Equal(4, File.ReadAllLines(Path.Combine(_folder.Path, EvalRunner.ResultsFileName)).Length);
    }

    [Fact]
    public async Task RunAsync_InterruptedRun_RerunsOnlyMissingAndTornItems()
    {
        await new EvalRunner(Options()).RunAsync(Items.Capitals, [new EvalCandidate("m", Model())]);
        var path = Path.Combine(_folder.Path, EvalRunner.ResultsFileName);
        var lines = File.ReadAllLines(path);
        // Keep two whole lines and half of the third, as a crash mid-write would.
        File.WriteAllText(path, lines[0] + "\n" + lines[1] + "\n" + lines[2][..(lines[2].Length / 2)]);
        var model = Model();

        var run = await new EvalRunner(Options()).RunAsync(Items.Capitals, [new EvalCandidate("m", model)]);

        Assert.Equal(2, model.Requests.Count);
        Assert.Equal(4, run.Results.Count);
        Assert.Equal(4, new JsonLinesStore<ItemResult>(path).ReadAll().Count);
    }

    [Fact]
    public async Task RunAsync_NewCandidate_RunsOnlyThatCandidate()
    {
        await new EvalRunner(Options()).RunAsync(Items.Capitals, [new EvalCandidate("a", Model())]);
        var b = Model();
        var a = Model();

        var run = await new EvalRunner(Options()).RunAsync(Items.Capitals, [new EvalCandidate("a", a), new EvalCandidate("b", b)]);

        Assert.Empty(a.Requests);
        Assert.Equal(4, b.Requests.Count);
        Assert.Equal(["a", "b"], run.Candidates);
    }

    [Fact]
    public async Task RunAsync_Seeds_AreDerivedFromRunSeedAndItemAlike_ForEveryCandidate()
    {
        var a = Model();
        var b = Model();
        await new EvalRunner(Options(o => o.Seed = 7)).RunAsync(Items.Capitals, [new EvalCandidate("a", a), new EvalCandidate("b", b)]);
        using var other = new TempFolder();
        var c = Model();
        await new EvalRunner(new EvalRunnerOptions { OutputDirectory = other.Path, Seed = 8 }).RunAsync(Items.Capitals, [new EvalCandidate("a", c)]);

        long? SeedFor(TestGenerator model, string country) => model.Requests.Single(r => r.Messages[^1].Text.Contains(country, StringComparison.Ordinal)).Options!.Seed;
        Assert.Equal(SeedFor(a, "France"), SeedFor(b, "France"));
        Assert.NotEqual(SeedFor(a, "France"), SeedFor(a, "Spain"));
        Assert.NotEqual(SeedFor(a, "France"), SeedFor(c, "France"));
        Assert.Equal(StableSeed.Derive(7, "fr", null), SeedFor(a, "France"));
    }

    [Fact]
    public async Task RunAsync_CandidateSeedAndSystemPrompt_AreKeptAndCallerOptionsUntouched()
    {
        var model = Model();
        var options = new GenerationOptions { Seed = 99, MaxTokens = 5 };

        await new EvalRunner(Options()).RunAsync([Items.Capitals[0]], [new EvalCandidate("m", model) { Options = options, SystemPrompt = "Be brief." }]);

        var request = Assert.Single(model.Requests);
        Assert.Equal(99, request.Options!.Seed);
        Assert.Equal(5, request.Options.MaxTokens);
        Assert.Equal("Be brief.", request.Messages[0].Text);
        Assert.NotSame(options, request.Options);
    }

    [Fact]
    public async Task RunAsync_Concurrency_NeverExceedsTheBound()
    {
        var inFlight = 0;
        var peak = 0;
        var model = new TestGenerator
        {
            GenerateAsyncCallback = async (request, _) =>
            {
                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref peak, now);
                await Task.Yield();
                Interlocked.Decrement(ref inFlight);
                return new GenerationResult("x");
            },
        };
        var items = Enumerable.Range(0, 40).Select(i => Items.Of($"i{i}", $"input {i}", "x")).ToList();

        await new EvalRunner(Options(o => o.MaxConcurrency = 3)).RunAsync(items, [new EvalCandidate("m", model)]);

        Assert.InRange(peak, 1, 3);
        Assert.Equal(40, model.Requests.Count);
    }

    [Fact]
    public async Task RunAsync_GeneratorFails_RecordsTheErrorAndGoesOn()
    {
        var model = Model(input => input.Contains("Spain", StringComparison.Ordinal) ? throw new ContextWindowExceededException(5000, 4096) : Items.Answer(input));

        var run = await new EvalRunner(Options()).RunAsync(Items.Capitals, [new EvalCandidate("m", model)]);

        var failed = Assert.Single(run.Results, r => r.Error is not null);
        Assert.Equal("es", failed.ItemId);
        Assert.StartsWith(nameof(ContextWindowExceededException), failed.Error, StringComparison.Ordinal);
        Assert.Null(failed.Output);
        Assert.Equal(0, failed.Scores["rougeL"]);
    }

    [Fact]
    public async Task RunAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var cancellation = new CancellationTokenSource();
        var model = Model(_ =>
        {
            cancellation.Cancel();
            return "x";
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new EvalRunner(Options(o => o.MaxConcurrency = 1)).RunAsync(Items.Capitals, [new EvalCandidate("m", model)], cancellation.Token));
    }

    [Fact]
    public async Task RunAsync_Latency_IsMeasuredWithTheInjectedClock()
    {
        var clock = new FakeTimeProvider();
        var model = Model(input =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(250));
            return Items.Answer(input);
        });

        var run = await new EvalRunner(Options(o => { o.TimeProvider = clock; o.MaxConcurrency = 1; })).RunAsync([Items.Capitals[0]], [new EvalCandidate("m", model)]);

        Assert.Equal(250, run.Results[0].LatencyMs, 3);
    }

    [Fact]
    public async Task RunAsync_TokenPrices_GiveTheCostPerItem()
    {
        var run = await new EvalRunner(Options()).RunAsync([Items.Capitals[0]],
            [new EvalCandidate("m", Model()) { PromptTokenPricePerMillion = 3m, CompletionTokenPricePerMillion = 15m }]);

        // (10 · 3 + 2 · 15) / 1,000,000.
        Assert.Equal(60e-6, run.Results[0].Cost, 12);
    }

    [Fact]
    public async Task RunAsync_RubricJudge_AddsJudgeScores()
    {
        var judge = new RubricJudge(ScriptedJudge.Answering(prompt => prompt.Contains("Paris", StringComparison.Ordinal)
            ? """{"criteria":[{"name":"accuracy","score":5}],"rationale":"right"}"""
            : """{"criteria":[{"name":"accuracy","score":1}],"rationale":"wrong"}"""), new Rubric([new("accuracy", "Correct.")]));

        var run = await new EvalRunner(Options(o => o.RubricJudge = judge)).RunAsync(Items.Capitals.Take(2).ToList(), [new EvalCandidate("m", Model())]);

        var fr = run.Results.Single(r => r.ItemId == "fr");
        Assert.Equal(1, fr.Scores["judge"]);
        Assert.Equal(5, fr.Scores["judge.accuracy"]);
        Assert.Equal("right", fr.JudgeRationale);
    }

    [Fact]
    public async Task RunAsync_PairwiseJudge_ComparesBaselineWithEachCandidateOnce()
    {
        var judgeModel = ScriptedJudge.Answering(prompt =>
            prompt.IndexOf("good", StringComparison.Ordinal) < prompt.IndexOf("<response2>", StringComparison.Ordinal) ? """{"winner":"1"}""" : """{"winner":"2"}""");
        var options = Options(o => o.PairwiseJudge = new PairwiseJudge(judgeModel));

        var run = await new EvalRunner(options).RunAsync(Items.Capitals, [new EvalCandidate("base", Model(_ => "bad")), new EvalCandidate("new", Model(_ => "good"))]);
        var rerun = await new EvalRunner(options).RunAsync(Items.Capitals, [new EvalCandidate("base", Model(_ => "bad")), new EvalCandidate("new", Model(_ => "good"))]);

        Assert.Equal(4, run.Pairwise.Count);
        Assert.All(run.Pairwise, p => Assert.Equal(PairwiseWinner.B, p.Winner));
        Assert.All(run.Pairwise, p => Assert.True(p.Consistent));
        Assert.Equal(8, judgeModel.Requests.Count);
        Assert.Equal(4, rerun.Pairwise.Count);
    }

    [Fact]
    public async Task RunAsync_Robustness_RunsEveryVariantAndTheInjectionDropsTheScore()
    {
        var run = await new EvalRunner(Options(o => o.Robustness = new RobustnessOptions { OversizedCharacters = 2_000 }))
            .RunAsync(Items.Capitals.Take(2).ToList(), [new EvalCandidate("m", Model())]);
        var report = EvalReport.Build(run);

        Assert.Equal(2 * (1 + Enum.GetValues<AdversarialKind>().Length), run.Results.Count);
        var injection = report.Robustness.Single(r => r.Variant == nameof(AdversarialKind.InstructionInjection) && r.Metric == "exact_match");
        Assert.Equal(1, injection.BaselineMean);
        Assert.Equal(0, injection.VariantMean);
        Assert.Equal(1, injection.Drop);
        var empty = report.Robustness.Single(r => r.Variant == nameof(AdversarialKind.Empty) && r.Metric == "exact_match");
        Assert.Equal(1, empty.Drop);
        var oversized = run.Results.Where(r => r.Variant == nameof(AdversarialKind.Oversized));
        Assert.All(oversized, r => Assert.Equal(1, r.Scores["exact_match"]));
    }

    [Fact]
    public async Task RunAsync_RetrievedIds_GiveHitRateAndMrr()
    {
        var model = new TestGenerator
        {
            GenerateAsyncCallback = (_, _) => Task.FromResult(new GenerationResult("x") { AdditionalProperties = new Dictionary<string, object?> { ["ids"] = new[] { "d1", "d2" } } }),
        };
        var items = new[] { Items.WithLabels("a", "q", "x", """{"relevant":["d2"]}"""), Items.WithLabels("b", "q2", "x", """{"relevant":["d9"]}""") };

        var run = await new EvalRunner(Options(o => o.RetrievedIds = r => (string[]?)r.AdditionalProperties?["ids"])).RunAsync(items, [new EvalCandidate("m", model)]);

        Assert.Equal(0.5, run.Results.Single(r => r.ItemId == "a").Scores["mrr"]);
        Assert.Equal(1, run.Results.Single(r => r.ItemId == "a").Scores["hit_rate"]);
        Assert.Equal(0, run.Results.Single(r => r.ItemId == "b").Scores["hit_rate"]);
    }

    [Fact]
    public async Task RunAsync_JsonSchema_ScoresConformance()
    {
        var model = Model(input => input.Contains("France", StringComparison.Ordinal) ? """{"city":"Paris"}""" : "Berlin");

        var run = await new EvalRunner(Options(o => o.JsonSchema = """{"type":"object","required":["city"]}""")).RunAsync(Items.Capitals.Take(2).ToList(), [new EvalCandidate("m", model)]);

        Assert.Equal(1, run.Results.Single(r => r.ItemId == "fr").Scores["json_valid"]);
        Assert.Equal(0, run.Results.Single(r => r.ItemId == "de").Scores["json_valid"]);
    }

    [Fact]
    public void Options_Invalid_ListEveryError()
    {
        var error = Assert.Throws<ArgumentException>(() => new EvalRunner(new EvalRunnerOptions { MaxConcurrency = 0, Metrics = ["rougeZ"] }));

        Assert.Contains("OutputDirectory", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxConcurrency", error.Message, StringComparison.Ordinal);
        Assert.Contains("rougeZ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_OptionsChangedAfterConstruction_DoNotAffectTheRunner()
    {
        var options = Options();
        var runner = new EvalRunner(options);
        options.Metrics.Clear();
        options.Metrics.Add("bleu");
        options.Seed = 1;

        var run = await runner.RunAsync([Items.Capitals[0]], [new EvalCandidate("m", Model())]);

        Assert.Equal(EvalMetricNames.ReferenceDefaults.ToHashSet(), run.Results[0].Scores.Keys.ToHashSet());
        Assert.Equal(42, run.Seed);
    }

    [Fact]
    public async Task RunAsync_DuplicateCandidateNames_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => new EvalRunner(Options()).RunAsync(Items.Capitals, [new EvalCandidate("m", Model()), new EvalCandidate("m", Model())]));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
