using System.Text.Json;
using Agents.Rag;
using Agents.Samples.Chatbot;

namespace Agents.Orchestration.Tests;

public sealed class ChatbotToolsTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "agents-chatbot-tools-" + Guid.NewGuid().ToString("N"));
    private LoopbackChatServer _server = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _server = await LoopbackChatServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private string[] Args(params string[] extra) =>
        ["--backend", "openai", "--endpoint", _server.BaseAddress.ToString(), "--model", "loopback-model", "--tools", .. extra];

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] args)
    {
        using var stdin = new StringReader(string.Empty);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = await ChatbotProgram.RunAsync(args, stdin, stdout, stderr, interactiveConsole: false, handleCtrlC: false);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    private static string LastMessageContent(JsonElement body) =>
        body.GetProperty("messages").EnumerateArray().Last().GetProperty("content").GetString()!;

    [Fact]
    public async Task Tools_OneShot_CallsTheCalculatorAndPrintsTheAnswer()
    {
        _server
            .Then(_ => LoopbackChatServer.ToolCallCompletion("call_1", "calculator", """{"expression":"6*7"}"""))
            .Then(body => LoopbackChatServer.TextCompletion("6 × 7 = " + LastMessageContent(body)));

        var (exitCode, output, error) = await RunAsync(Args("--prompt", "What is 6 times 7?"));

        Assert.True(exitCode == 0, error);
        Assert.Equal("6 × 7 = 42", output.Trim());
        Assert.Contains("[tool] calculator {\"expression\":\"6*7\"}", error, StringComparison.Ordinal);
        Assert.Contains("[tool] calculator → 42", error, StringComparison.Ordinal);
        var offered = _server.Requests.First().GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal(["calculator", "current_time"], offered);
    }

    [Fact]
    public async Task Tools_WithStore_SearchDocsReturnsPassagesFromTheStore()
    {
        var docs = Directory.CreateDirectory(Path.Combine(_folder, "docs")).FullName;
        await File.WriteAllTextAsync(Path.Combine(docs, "returns.md"), "# Returns\n\nItems may be returned within 30 days with the receipt.\n");
        await File.WriteAllTextAsync(Path.Combine(docs, "shipping.md"), "# Shipping\n\nParcels ship from Rotterdam every weekday.\n");
        var storePath = Path.Combine(_folder, "store.db");
        await using (var store = await SqliteRagStore.OpenAsync(storePath))
        {
            await new DocumentIngestor(store).IngestFolderAsync(docs);
        }

        string? toolResult = null;
        _server
            .Then(_ => LoopbackChatServer.ToolCallCompletion("call_1", "search_docs", """{"query":"returned days receipt"}"""))
            .Then(body =>
            {
                toolResult = LastMessageContent(body);
                return LoopbackChatServer.TextCompletion("Within 30 days [1].");
            });

        var (exitCode, output, error) = await RunAsync(Args("--store", storePath, "--prompt", "How long do I have to return an item?"));

        Assert.True(exitCode == 0, error);
        Assert.Equal("Within 30 days [1].", output.Trim());
        Assert.NotNull(toolResult);
        Assert.StartsWith("[1] ", toolResult, StringComparison.Ordinal);
        Assert.Contains("returns.md", toolResult.Split('\n')[0], StringComparison.Ordinal);
        Assert.Contains("within 30 days with the receipt", toolResult, StringComparison.Ordinal);
        Assert.Contains("search_docs", _server.Requests.First().GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tools_StoreWithoutTools_IsAUsageError()
    {
        var (exitCode, _, error) = await RunAsync(["--backend", "openai", "--model", "m", "--store", "x.db", "--prompt", "hi"]);

        Assert.Equal(ChatbotProgram.ExitUsage, exitCode);
        Assert.Contains("--store is only used with --tools", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tools_MissingStore_IsAUsageError()
    {
        var (exitCode, _, error) = await RunAsync(Args("--store", Path.Combine(_folder, "missing.db"), "--prompt", "hi"));

        Assert.Equal(ChatbotProgram.ExitUsage, exitCode);
        Assert.Contains("no RagQa store", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tools_ModelKeepsCallingTools_FailsWithOneLine()
    {
        for (var i = 0; i < 8; i++)
        {
            _server.Then(_ => LoopbackChatServer.ToolCallCompletion("call_" + i, "current_time", "{}"));
        }

        var (exitCode, _, error) = await RunAsync(Args("--prompt", "loop"));

        Assert.Equal(ChatbotProgram.ExitFailed, exitCode);
        Assert.Contains("chatbot: Agent 'chatbot' took 8 steps", error, StringComparison.Ordinal);
    }
}
