using System.Text.Json;
using Agents.Testing;

namespace Agents.Backends.Llama.Tests.Chatbot;

public sealed class ChatbotCommandLineTests
{
    [Fact]
    public async Task OneShotJson_TestModel_PrintsOneContractObject()
    {
        var (exitCode, output, error) = await ChatbotRunner.RunAsync(
            ["--model", TestModel.Path, "--prompt", "Hello", "--json", "--max-tokens", "6", "--temperature", "0"]);

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, error);
        var line = Assert.Single(ChatbotRunner.Lines(output));
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal(JsonValueKind.String, root.GetProperty("text").ValueKind);
        Assert.Contains(root.GetProperty("finishReason").GetString(), new[] { "stop", "length", "stopSequence" });
        var usage = root.GetProperty("usage");
        Assert.True(usage.GetProperty("promptTokens").GetInt32() > 0);
        Assert.InRange(usage.GetProperty("completionTokens").GetInt32(), 1, 6);
        Assert.True(usage.GetProperty("cachedPromptTokens").GetInt32() >= 0);
        Assert.True(root.GetProperty("ttftMs").GetDouble() >= 0);
        Assert.Equal("llama-2-tiny-random", root.GetProperty("model").GetString());
        Assert.Equal(["text", "finishReason", "usage", "ttftMs", "model"], root.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task OneShotJson_Greedy_IsDeterministic()
    {
        string[] args = ["--model", TestModel.Path, "--prompt", "Tell me a story", "--json", "--max-tokens", "8", "--temperature", "0"];

        var first = await ChatbotRunner.RunAsync(args);
        var second = await ChatbotRunner.RunAsync(args);

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(
            JsonDocument.Parse(first.Output).RootElement.GetProperty("text").GetString(),
            JsonDocument.Parse(second.Output).RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task OneShot_PlainText_PrintsAnswerAndExits()
    {
        var (exitCode, output, error) = await ChatbotRunner.RunAsync(
            ["--model", TestModel.Path, "--prompt", "Hello", "--max-tokens", "4", "--seed", "3", "--top-k", "20", "--top-p", "0.9"]);

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, error);
        Assert.False(string.IsNullOrWhiteSpace(output));
        Assert.DoesNotContain("{", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--max-tokens", "lots")]
    [InlineData("--backend", "mainframe")]
    [InlineData("--temperature")]
    [InlineData("--json")]
    [InlineData("--max-tokens=0")]
    [InlineData("--top-p=1.5")]
    [InlineData("--temperature=-1")]
    [InlineData("--endpoint", "ftp://example.com/")]
    [InlineData("--seed", "abc")]
    [InlineData("--beam", "2", "--backend", "openai", "--model", "m")]
    [InlineData("--no-such=1")]
    [InlineData("--prompt", "hi", "surplus")]
    public async Task BadFlag_ExitsTwoWithOneStderrLine(params string[] args)
    {
        var (exitCode, output, error) = await ChatbotRunner.RunAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Equal(string.Empty, output);
        var line = Assert.Single(ChatbotRunner.Lines(error));
        Assert.StartsWith("chatbot: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadModelPath_ExitsTwoNamingThePath()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-model-" + Guid.NewGuid().ToString("N") + ".gguf");

        var (exitCode, _, error) = await ChatbotRunner.RunAsync(["--model", missing, "--prompt", "hi"]);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(ChatbotRunner.Lines(error));
        Assert.Contains(missing, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotGgufModel_ExitsTwoWithLoadReason()
    {
        var path = Path.Combine(Path.GetTempPath(), "not-a-model-" + Guid.NewGuid().ToString("N") + ".gguf");
        await File.WriteAllTextAsync(path, "this is text, not weights");
        try
        {
            var (exitCode, _, error) = await ChatbotRunner.RunAsync(["--model", path, "--prompt", "hi"]);

            Assert.Equal(2, exitCode);
            var line = Assert.Single(ChatbotRunner.Lines(error));
            Assert.Contains("GGUF", line, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task PipedConversation_AnswersLinesAndRunsCommands()
    {
        var (exitCode, output, _) = await ChatbotRunner.RunAsync(
            ["--model", TestModel.Path, "--max-tokens", "4", "--temperature", "0"],
            "Hello\nWhat next?\n/stats\n/reset\n/stats\n");

        Assert.Equal(0, exitCode);
        var lines = ChatbotRunner.Lines(output);
        Assert.Contains("turns: 2", lines);
        Assert.Contains(lines, l => l.StartsWith("last: tokens/s: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("last: cached prompt tokens: ", StringComparison.Ordinal));
        Assert.Contains("last: time to first token: -", lines);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PipedConversation_PrefixCacheFlag_ReportsCachedPromptTokensOnlyWhenOn(bool prefixCache)
    {
        string[] args = ["--model", TestModel.Path, "--max-tokens", "4", "--temperature", "0",
            "--system", "You are a helpful assistant who answers questions about the weather in careful detail."];

        var (exitCode, output, error) = await ChatbotRunner.RunAsync(
            prefixCache ? [.. args, "--prefix-cache"] : args,
            "What is the weather like today?\nAnd tomorrow?\n/stats\n");

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, error);
        var cached = ChatbotRunner.Lines(output).Single(l => l.StartsWith("session: cached prompt tokens: ", StringComparison.Ordinal));
        var count = int.Parse(cached["session: cached prompt tokens: ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        if (prefixCache)
        {
            // The second turn repeats the system prompt and the first turn, so at least the system prompt is reused.
            Assert.True(count > 16, $"expected the second turn to reuse the cached prefix, got {count} cached tokens");
        }
        else
        {
            Assert.Equal(0, count);
        }
    }

    [Fact]
    public async Task PrefixCacheFlag_HostedBackend_ExitsTwo()
    {
        var (exitCode, _, error) = await ChatbotRunner.RunAsync(["--backend", "openai", "--model", "m", "--prefix-cache", "--prompt", "hi"]);

        Assert.Equal(2, exitCode);
        Assert.Contains("--prefix-cache", Assert.Single(ChatbotRunner.Lines(error)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuiltExecutable_BadFlag_ExitsTwoWithOneStderrLine()
    {
        var run = await SampleProcess.RunAsync("Chatbot.dll", AppContext.BaseDirectory, ["--no-such-flag"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Equal("chatbot: unknown option '--no-such-flag' (see --help).", Assert.Single(ChatbotRunner.Lines(run.Stderr)));
    }
}
