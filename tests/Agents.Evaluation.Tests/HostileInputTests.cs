using Agents.Testing;

namespace Agents.Evaluation.Tests;

public sealed class HostileInputTests
{
    [Fact]
    public void Dataset_MalformedLines_AreAllNamedWithTheirLineNumbers()
    {
        var jsonl = "{\"input\":\"ok\"}\n{not json\n\n[1,2]\n{\"reference\":\"no input\"}\n{\"input\":\"x\",\"reference\":5}\n{\"input\":\"y\",\"labels\":[]}\n{\"id\":\"d\",\"input\":\"a\"}\n{\"id\":\"d\",\"input\":\"b\"}\n";

        var error = Assert.Throws<InvalidDataException>(() => EvalDataset.Parse(new StringReader(jsonl)));

        foreach (var expected in new[] { "line 2: not valid JSON", "line 4: not a JSON object", "line 5: \"input\"", "line 6: \"reference\"", "line 7: \"labels\"", "line 9: id 'd' appears twice" })
        {
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("line 1:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("line 3:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dataset_ValidLines_ReadIdsReferencesAndLabels()
    {
        var items = EvalDataset.Parse(new StringReader("{\"input\":\"a\",\"reference\":[\"x\",\"y\"]}\r\n{\"id\":7,\"input\":\"b\",\"labels\":{\"human_score\":4}}"));

        Assert.Equal(["line-1", "7"], items.Select(i => i.Id));
        Assert.Equal(["x", "y"], items[0].References);
        Assert.Equal(4, items[1].Labels["human_score"].GetInt32());
        Assert.Null(items[1].Reference);
    }

    [Fact]
    public void Dataset_HugeLine_IsRefusedWithoutReadingItWhole()
    {
        var huge = "{\"input\":\"" + new string('a', EvalDataset.MaxLineCharacters + 10) + "\"}\n{\"input\":\"fine\"}\n";

        var error = Assert.Throws<InvalidDataException>(() => EvalDataset.Parse(new StringReader(huge)));

        Assert.Contains("line 1: longer than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dataset_DeeplyNestedJson_IsRejectedNotCrashing()
    {
        var nested = "{\"input\":\"x\",\"labels\":{\"a\":" + new string('[', 10_000) + new string(']', 10_000) + "}}";

        Assert.Throws<InvalidDataException>(() => EvalDataset.Parse(new StringReader(nested)));
    }

    [Fact]
    public async Task Judge_ReturningGarbageOfEveryKind_FailsWithJudgeOutputException()
    {
        var garbage = new[] { string.Empty, "null", "[]", "{\"criteria\":null}", "{\"criteria\":[1,2]}", "```json\n{\n```", new string('{', 100_000), "\u0000\uFFFF" };
        foreach (var reply in garbage)
        {
            var judge = new RubricJudge(ScriptedJudge.Replying(reply), new Rubric([new("accuracy", "x")]), new JudgeOptions { MaxRepairAttempts = 1 });

            await Assert.ThrowsAsync<JudgeOutputException>(() => judge.ScoreAsync("q", "a"));
        }
    }

    [Fact]
    public async Task Runner_JudgeReturningGarbage_KeepsTheItemWithoutAJudgeScore()
    {
        using var folder = new TempFolder();
        var judge = new RubricJudge(ScriptedJudge.Replying("lol"), new Rubric([new("accuracy", "x")]), new JudgeOptions { MaxRepairAttempts = 0 });
        var model = new TestGenerator { GenerateAsyncCallback = (_, _) => Task.FromResult(new GenerationResult("Paris")) };

        var run = await new EvalRunner(new EvalRunnerOptions { OutputDirectory = folder.Path, RubricJudge = judge }).RunAsync([Items.Capitals[0]], [new EvalCandidate("m", model)]);

        var result = Assert.Single(run.Results);
        Assert.False(result.Scores.ContainsKey("judge"));
        Assert.StartsWith("judge failed:", result.JudgeRationale, StringComparison.Ordinal);
        Assert.Equal(1, result.Scores["exact_match"]);
    }

    [Fact]
    public void Metrics_HugeAndEmptyInputs_AreScoredWithoutError()
    {
        var huge = string.Join(' ', Enumerable.Repeat("word", 200_000));

        Assert.Equal(0, Bleu.Sentence(huge, ["other text"]).Score);
        Assert.InRange(Rouge.BestF(huge, ["word"], "rougeL"), 0, 0.001);
        Assert.Equal(0, TokenF1.Score(string.Empty, "x"));
        Assert.Equal(0, Bleu.Sentence(string.Empty, ["x"]).Score);
        Assert.Equal(0, Rouge.L("!!! ??? ...", "x").F1);
        Assert.False(new JsonSchemaConformance("{}").Conforms(huge));
    }

    [Fact]
    public void AdversarialVariants_EveryKind_IsDeterministicAndBounded()
    {
        const string input = "What is the capital of France?";
        var options = new RobustnessOptions { OversizedCharacters = 5_000, IrrelevantContextCharacters = 1_000 };

        Assert.EndsWith(AdversarialVariants.Injection, AdversarialVariants.Create(input, AdversarialKind.InstructionInjection, 1), StringComparison.Ordinal);
        Assert.Equal(string.Empty, AdversarialVariants.Create(input, AdversarialKind.Empty, 1));
        Assert.Equal(5_000, AdversarialVariants.Create(input, AdversarialKind.Oversized, 1, options).Length);
        var context = AdversarialVariants.Create(input, AdversarialKind.LongIrrelevantContext, 1, options);
        Assert.EndsWith(input, context, StringComparison.Ordinal);
        Assert.True(context.Length > 1_000);
        var typos = AdversarialVariants.Create(input, AdversarialKind.Typos, 3);
        Assert.NotEqual(input, typos);
        Assert.Equal(input.Length, typos.Length);
        Assert.Equal(input.Order(), typos.Order());
        Assert.Equal(typos, AdversarialVariants.Create(input, AdversarialKind.Typos, 3));
        Assert.Equal(string.Empty, AdversarialVariants.Create(string.Empty, AdversarialKind.Typos, 3));
        Assert.Throws<ArgumentException>(() => AdversarialVariants.Create(input, (AdversarialKind)99, 1));
        Assert.Throws<ArgumentException>(() => AdversarialVariants.Create(input, AdversarialKind.Oversized, 1, new RobustnessOptions { OversizedCharacters = 0 }));
    }

    [Fact]
    public void ResultsFile_GarbageLines_AreSkippedOnResume()
    {
        using var folder = new TempFolder();
        var path = folder.Write("results.jsonl", "garbage\n{\"candidate\":\"m\",\"item_id\":\"fr\",\"output\":\"Paris\"}\n\u0000\u0001\n{\"candidate\":5}\n");

        var results = new JsonLinesStore<ItemResult>(path).ReadAll();

        Assert.Equal("fr", Assert.Single(results).ItemId);
    }

    [Fact]
    public void AuditSheet_UnterminatedQuote_ReadsToTheEndWithoutHanging()
    {
        var ratings = AuditSheet.ReadRatings(new StringReader("item_id,candidate,likert\r\na,m,\"5"));

        Assert.Equal(5, Assert.Single(ratings).Likert);
    }
}
