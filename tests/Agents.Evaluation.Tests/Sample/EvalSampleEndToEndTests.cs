using System.Text.Json;
using Agents.Testing;

namespace Agents.Evaluation.Tests.Sample;

/// <summary>Runs the Eval sample as a user would — a separate process — against the real tiny test model.</summary>
public sealed class EvalSampleEndToEndTests : IDisposable
{
    private readonly TempFolder _work = new();

    public void Dispose() => _work.Dispose();

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var run = await SampleProcess.RunAsync("Eval.dll", _work.Path, args, timeout: TimeSpan.FromMinutes(3));
        return (run.ExitCode, run.Stdout, run.Stderr);
    }

    private void WriteDataset() => _work.Write("data.jsonl",
        "{\"id\":\"fr\",\"input\":\"What is the capital of France?\",\"reference\":\"Paris\",\"labels\":{\"human_score\":1}}\n"
        + "{\"id\":\"col\",\"input\":\"Name a primary colour.\",\"reference\":[\"red\",\"blue\",\"yellow\"]}\n"
        + "{\"input\":\"Say hello.\",\"reference\":\"hello\"}\n");

    private void WriteConfig(string extra = "", bool robustness = true) => _work.Write("config.json", $$"""
        {
          "seed": 7,
          "concurrency": 2,
          "generators": [
            { "name": "short", "backend": "local", "maxTokens": 3, "temperature": 0,
              "llama": { "ModelPath": {{JsonSerializer.Serialize(TestModel.Path)}}, "ContextSize": 512, "Threads": 2, "ChatTemplateFallback": "chatml" } },
            { "name": "longer", "backend": "local", "maxTokens": 6, "temperature": 0,
              "llama": { "ModelPath": {{JsonSerializer.Serialize(TestModel.Path)}}, "ContextSize": 512, "Threads": 2, "ChatTemplateFallback": "chatml" } }
          ],
          {{(robustness ? "\"robustness\": { \"variants\": [\"Typos\", \"Empty\"] }," : string.Empty)}}
          "auditSample": 2{{extra}}
        }
        """);

    [Fact]
    public async Task Run_TwoLocalCandidates_WritesResultsAndReportsAndResumes()
    {
        WriteDataset();
        WriteConfig();

        var first = await RunAsync("run", "--dataset", "data.jsonl", "--config", "config.json", "--out", "out");
        var results = Path.Combine(_work.Path, "out", "results.jsonl");
        var linesAfterFirst = File.ReadAllLines(results);
        var second = await RunAsync("run", "--dataset", "data.jsonl", "--config", "config.json", "--out", "out");

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Equal(3 * 2 * 3, linesAfterFirst.Length);
        Assert.Equal(linesAfterFirst, File.ReadAllLines(results));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_work.Path, "out", "report.json")));
        Assert.True(json.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal(3, json.RootElement.GetProperty("metrics").GetProperty("longer").GetProperty("rougeL").GetProperty("count").GetInt32());
        Assert.True(json.RootElement.GetProperty("metrics").GetProperty("short").GetProperty("completion_tokens").GetProperty("mean").GetDouble() > 0);
        Assert.NotEmpty(json.RootElement.GetProperty("robustness").EnumerateArray());
        var html = File.ReadAllText(Path.Combine(_work.Path, "out", "report.html"));
        Assert.Contains("<table class=\"metrics\"", html, StringComparison.Ordinal);
        Assert.Contains("<svg class=\"chart deltas\"", html, StringComparison.Ordinal);
        Assert.Contains("## Metrics", File.ReadAllText(Path.Combine(_work.Path, "out", "report.md")), StringComparison.Ordinal);
        Assert.Equal(1 + (2 * 2), File.ReadAllLines(Path.Combine(_work.Path, "out", "audit.csv")).Length);
    }

    [Fact]
    public async Task Run_LocalJudge_JudgesEveryItemAndRecordsItsFailuresWithoutStopping()
    {
        WriteDataset();
        WriteConfig(
            """
            ,
            "judge": { "generator": "short", "pairwise": true, "maxRepairAttempts": 0, "maxTokens": 8,
                       "rubric": [ { "name": "accuracy", "description": "Correct." } ] }
            """,
            robustness: false);

        var (exitCode, _, stderr) = await RunAsync("run", "--dataset", "data.jsonl", "--config", "config.json", "--out", "out");

        Assert.True(exitCode == 0, stderr);
        var results = File.ReadAllLines(Path.Combine(_work.Path, "out", "results.jsonl")).Select(line => JsonDocument.Parse(line)).ToList();
        Assert.Equal(6, results.Count);
        // The random tiny model cannot write a verdict; the judge is asked (no refused JSON mode) and fails per item.
        Assert.All(results, r => Assert.StartsWith("judge failed: The judge gave no valid verdict", r.RootElement.GetProperty("judge_rationale").GetString(), StringComparison.Ordinal));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(_work.Path, "out", "pairwise.jsonl")).Length);
        Assert.Contains("## Pairwise judge", File.ReadAllText(Path.Combine(_work.Path, "out", "report.md")), StringComparison.Ordinal);
        results.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task Run_FailingGate_ExitsWithOneAndNamesTheGate()
    {
        WriteDataset();
        WriteConfig();

        var (exitCode, _, stderr) = await RunAsync("run", "--dataset", "data.jsonl", "--config", "config.json", "--out", "out", "--fail-if", "rougeL>=0", "--fail-if", "short:exact_match>0.5");

        Assert.Equal(1, exitCode);
        Assert.Contains("gate failed: rougeL>=0 for short", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("exact_match", stderr, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_work.Path, "out", "report.json")));
        Assert.False(json.RootElement.GetProperty("passed").GetBoolean());
    }

    [Fact]
    public async Task PerplexityJson_TestModel_PrintsPerplexityTokensAndWindows()
    {
        _work.Write("text.txt", string.Join(' ', Enumerable.Repeat("The capital of France is Paris.", 12)));

        var whole = await RunAsync("perplexity", "--model", TestModel.Path, "--text", "text.txt", "--json");
        var windowed = await RunAsync("perplexity", "--model", TestModel.Path, "--text", "text.txt", "--json", "--context", "32", "--stride", "16");

        Assert.True(whole.ExitCode == 0, whole.Stderr);
        Assert.True(windowed.ExitCode == 0, windowed.Stderr);
        using var a = JsonDocument.Parse(whole.Stdout);
        using var b = JsonDocument.Parse(windowed.Stdout);
        Assert.Equal(["perplexity", "tokens", "windows"], a.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, a.RootElement.GetProperty("windows").GetInt32());
        Assert.True(b.RootElement.GetProperty("windows").GetInt32() > 1);
        Assert.Equal(a.RootElement.GetProperty("tokens").GetInt32(), b.RootElement.GetProperty("tokens").GetInt32());
        Assert.InRange(a.RootElement.GetProperty("perplexity").GetDouble(), 4_000, 200_000);
    }

    [Theory]
    [InlineData("run", "--dataset", "missing.jsonl", "--config", "config.json", "--out", "o")]
    [InlineData("run", "--dataset", "data.jsonl", "--out", "o")]
    [InlineData("run", "--dataset", "data.jsonl", "--config", "config.json", "--out", "o", "--fail-if", "rougeL")]
    [InlineData("run", "--dataset", "bad.jsonl", "--config", "config.json", "--out", "o")]
    [InlineData("run", "--dataset", "data.jsonl", "--config", "badconfig.json", "--out", "o")]
    [InlineData("run", "--dataset", "data.jsonl", "--config", "nobackend.json", "--out", "o")]
    [InlineData("perplexity", "--model", "missing.gguf", "--text", "data.jsonl")]
    [InlineData("perplexity", "--text", "data.jsonl", "--stride", "0", "--model", "data.jsonl")]
    [InlineData("frobnicate")]
    [InlineData("run", "--bogus")]
    [InlineData]
    public async Task BadCommandLine_PrintsOneLineAndExitsWithTwo(params string[] args)
    {
        WriteDataset();
        WriteConfig();
        _work.Write("bad.jsonl", "{\"input\":\"ok\"}\n{oops\n");
        _work.Write("badconfig.json", "{ not json");
        _work.Write("nobackend.json", """{ "generators": [ { "name": "x", "backend": "gemini" } ] }""");

        var (exitCode, stdout, stderr) = await RunAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }
}
