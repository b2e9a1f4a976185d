using System.Text.Json;
using Agents.Testing;

namespace Agents.Rag.Tests;

/// <summary>Runs the RagQa sample as a user would — a separate process, no terminal — and checks its contract.</summary>
public sealed class RagQaEndToEndTests : IDisposable
{
    private readonly TempFolder _work = new();

    public void Dispose() => _work.Dispose();

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var run = await SampleProcess.RunAsync("RagQa.dll", _work.Path, args);
        return (run.ExitCode, run.Stdout, run.Stderr);
    }

    [Fact]
    public async Task IngestThenSearchJson_TempFolder_ReturnsResultsMatchingTheContract()
    {
        var kettle = _work.Write("docs/appliances/kettle.md", "# Kettle\n\nDescale the kettle every month with white vinegar.\n\n## Safety\n\nUnplug it before cleaning.\n");
        _work.Write("docs/toaster.txt", "Empty the toaster crumb tray every week.");
        _work.WriteBytes("docs/manual.pdf", PdfFixture.Create("The blender jar is dishwasher safe."));

        var ingest = await RunAsync("ingest", "docs");
        var search = await RunAsync("search", "how often should I descale the kettle?", "--json", "--top-k", "2");

        Assert.True(ingest.ExitCode == 0, ingest.Stderr);
        Assert.True(File.Exists(Path.Combine(_work.Path, ".rag", "store.db")));
        Assert.True(search.ExitCode == 0, search.Stderr);
        using var json = JsonDocument.Parse(search.Stdout);
        var results = json.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.InRange(results.Count, 1, 2);
        var first = results[0];
        Assert.Equal(1, first.GetProperty("rank").GetInt32());
        Assert.Equal("appliances/kettle.md", first.GetProperty("source").GetString());
        Assert.True(first.GetProperty("score").GetDouble() > 0);
        var start = first.GetProperty("start").GetInt32();
        var end = first.GetProperty("end").GetInt32();
        Assert.Equal(File.ReadAllText(kettle)[start..end], first.GetProperty("text").GetString());
        Assert.Equal(["rank", "source", "score", "start", "end", "text"], first.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task SearchJson_PdfPassage_IsFoundWithItsSource()
    {
        _work.WriteBytes("docs/manual.pdf", PdfFixture.Create("The blender jar is dishwasher safe."));
        await RunAsync("ingest", "docs");

        var search = await RunAsync("search", "Is the blender jar dishwasher safe?", "--json");

        using var json = JsonDocument.Parse(search.Stdout);
        Assert.Equal("manual.pdf", json.RootElement.GetProperty("results")[0].GetProperty("source").GetString());
    }

    [Theory]
    [InlineData("search", "q", "--bogus")]
    [InlineData("search", "q", "--top-k", "0")]
    [InlineData("search")]
    [InlineData("frobnicate")]
    [InlineData("ask", "q", "--backend", "gemini")]
    [InlineData("ask", "q", "--backend", "openai", "--model", "m.gguf")]
    [InlineData("search", "q", "--mode", "fuzzy")]
    [InlineData("search", "q", "--top-k=abc")]
    [InlineData("ingest", "docs", "--json")]
    public async Task BadCommandLine_PrintsOneLineAndExitsWithTwo(params string[] args)
    {
        var (exitCode, stdout, stderr) = await RunAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_NoModelConfigured_SaysHowToConfigureOne()
    {
        _work.Write("docs/a.txt", "Some text.");
        await RunAsync("ingest", "docs");

        var (exitCode, _, stderr) = await RunAsync("ask", "What is this?");

        Assert.Equal(1, exitCode);
        Assert.Contains("--model", stderr, StringComparison.Ordinal);
        Assert.Contains("--backend openai", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskJson_WithTestModel_ReturnsAnswerCitationsAndUsage()
    {
        var kettle = _work.Write("docs/kettle.md", "# Kettle\n\nDescale the kettle every month with white vinegar.\n");

        await RunAsync("ingest", "docs");
        var (exitCode, stdout, stderr) = await RunAsync("ask", "How often should I descale the kettle?", "--model", Agents.Testing.TestModel.Path, "--json", "--top-k", "1");

        Assert.True(exitCode == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(["answer", "citations", "usage"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.String, json.RootElement.GetProperty("answer").ValueKind);
        var citation = json.RootElement.GetProperty("citations")[0];
        Assert.Equal(["n", "source", "start", "end", "text"], citation.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, citation.GetProperty("n").GetInt32());
        Assert.Equal("kettle.md", citation.GetProperty("source").GetString());
        Assert.Equal(File.ReadAllText(kettle)[citation.GetProperty("start").GetInt32()..citation.GetProperty("end").GetInt32()], citation.GetProperty("text").GetString());
        Assert.True(json.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task AskJson_ModelPathFromAppSettings_IsUsed_AndTheFlagOverridesIt()
    {
        _work.Write("docs/kettle.md", "# Kettle\n\nDescale the kettle every month with white vinegar.\n");
        _work.Write("appsettings.json", $$"""{ "Agents": { "Llama": { "ModelPath": {{JsonSerializer.Serialize(Agents.Testing.TestModel.Path)}}, "ContextSize": 2048 } } }""");
        await RunAsync("ingest", "docs", "--no-embeddings");
        var missing = Path.Combine(_work.Path, "no-such-model.gguf");

        var fromFile = await RunAsync("ask", "How often should I descale the kettle?", "--json", "--top-k", "1");
        var fromFlag = await RunAsync("ask", "How often should I descale the kettle?", "--json", "--top-k", "1", "--model", missing);

        Assert.True(fromFile.ExitCode == 0, fromFile.Stderr);
        using var json = JsonDocument.Parse(fromFile.Stdout);
        Assert.Equal("kettle.md", json.RootElement.GetProperty("citations")[0].GetProperty("source").GetString());
        Assert.Equal(1, fromFlag.ExitCode);
        Assert.Contains(missing, fromFlag.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsTheConfigurationFileItReads()
    {
        var (_, stdout, _) = await RunAsync("ask", "--help");

        Assert.Contains("appsettings.json", stdout, StringComparison.Ordinal);
        Assert.Contains("Agents:Llama", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_NoStore_ExplainsHowToCreateOne()
    {
        var (exitCode, _, stderr) = await RunAsync("search", "anything");

        Assert.Equal(1, exitCode);
        Assert.Contains("ingest", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_work.Path, ".rag", "store.db")));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("ingest", "--help")]
    [InlineData("search", "--help")]
    [InlineData("ask", "--help")]
    [InlineData("ask", "q", "--bogus", "--help")]
    public async Task Help_OnEveryCommand_PrintsUsageAndExitsWithZero(params string[] args)
    {
        var (exitCode, stdout, stderr) = await RunAsync(args);

        Assert.True(exitCode == 0, stderr);
        Assert.Contains("Usage:", stdout, StringComparison.Ordinal);
        Assert.Contains("--store", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskHelp_ListsTheEnvironmentVariablesItReads()
    {
        var (_, stdout, _) = await RunAsync("ask", "--help");

        foreach (var variable in new[] { "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "ANTHROPIC_API_KEY", "ANTHROPIC_MODEL" })
        {
            Assert.Contains(variable, stdout, StringComparison.Ordinal);
        }

        Assert.Contains("hybrid|bm25|vector", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_PrintsTheVersionAndExitsWithZero()
    {
        var (exitCode, stdout, _) = await RunAsync("--version");

        Assert.Equal(0, exitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", stdout.Trim());
    }

    [Fact]
    public async Task Search_DefaultModeAfterIngest_IsHybrid()
    {
        _work.Write("docs/kettle.md", "# Kettle\n\nDescale the kettle every month with white vinegar.\n");
        _work.Write("docs/garden.md", "# Garden\n\nWater the tomato plants every evening in summer.\n");
        var ingest = await RunAsync("ingest", "docs");
        Assert.True(ingest.ExitCode == 0, ingest.Stderr);

        var hybrid = await RunAsync("search", "descale the kettle", "--json");
        var bm25 = await RunAsync("search", "descale the kettle", "--json", "--mode", "bm25");

        Assert.True(hybrid.ExitCode == 0, hybrid.Stderr);
        using var json = JsonDocument.Parse(hybrid.Stdout);
        var first = json.RootElement.GetProperty("results")[0];
        Assert.Equal("kettle.md", first.GetProperty("source").GetString());

        // Reciprocal rank fusion scores at most 1/61 per list: a rank-1 hit in both lists scores 2/61.
        Assert.Equal(Math.Round(2.0 / 61, 4), first.GetProperty("score").GetDouble());
        using var keyword = JsonDocument.Parse(bm25.Stdout);
        Assert.True(keyword.RootElement.GetProperty("results")[0].GetProperty("score").GetDouble() > 2.0 / 61);
    }

    [Fact]
    public async Task Search_VectorMode_FindsAParaphraseSharingNoContentWord()
    {
        _work.Write("docs/kettle.md", "# Kettle\n\nDescale the kettle every month with white vinegar.\n");
        _work.Write("docs/garden.md", "# Garden\n\nWater the tomato plants every evening in summer.\n");
        await RunAsync("ingest", "docs");

        var (exitCode, stdout, stderr) = await RunAsync("search", "removing limescale from an electric jug", "--json", "--mode=vector", "--top-k=1");

        Assert.True(exitCode == 0, stderr);
        Assert.Equal("kettle.md", JsonDocument.Parse(stdout).RootElement.GetProperty("results")[0].GetProperty("source").GetString());
    }

    [Fact]
    public async Task Search_VectorModeOnAStoreWithoutEmbeddings_FailsNamingTheFix()
    {
        _work.Write("docs/a.txt", "Some text.");
        var ingest = await RunAsync("ingest", "docs", "--no-embeddings");
        Assert.True(ingest.ExitCode == 0, ingest.Stderr);

        var (exitCode, stdout, stderr) = await RunAsync("search", "text", "--mode", "vector");
        var keyword = await RunAsync("search", "text", "--json");

        Assert.Equal(1, exitCode);
        Assert.Empty(stdout);
        Assert.Contains("--no-embeddings", stderr, StringComparison.Ordinal);
        Assert.True(keyword.ExitCode == 0, keyword.Stderr);
        Assert.Equal("a.txt", JsonDocument.Parse(keyword.Stdout).RootElement.GetProperty("results")[0].GetProperty("source").GetString());
    }

    [Fact]
    public async Task Ingest_IntoAStoreFilledByAnotherEmbedder_FailsWithoutWriting()
    {
        _work.Write("docs/a.txt", "Some text.");
        var storePath = Path.Combine(_work.Path, ".rag", "store.db");
        await using (var store = await SqliteRagStore.OpenAsync(storePath))
        {
            await store.RecordEmbeddingModelAsync(new EmbeddingModelIdentity("openai", "text-embedding-3-small", 384));
        }

        var (exitCode, _, stderr) = await RunAsync("ingest", "docs");

        Assert.Equal(1, exitCode);
        Assert.Contains("text-embedding-3-small", stderr, StringComparison.Ordinal);
        await using var reopened = await SqliteRagStore.OpenAsync(storePath);
        Assert.Equal((0, 0), await reopened.CountAsync());
    }
}
