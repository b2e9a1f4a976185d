using System.Text.Json;
using Agents.Samples.Chatbot;
using Agents.Testing;

namespace Agents.Backends.Llama.Tests.Chatbot;

/// <summary>The command-line conventions the Chatbot shares with RagQa: help, version, <c>--opt=value</c>, exit codes.</summary>
public sealed class ChatbotConventionsTests
{
    private static readonly string[] EveryFlag =
    [
        "--model", "--backend", "--endpoint", "--system", "--max-tokens", "--temperature", "--top-k", "--top-p", "--seed",
        "--beam", "--context", "--threads", "--prompt", "--json", "--json-schema", "--prefix-cache", "--tools", "--store",
        "--verbose", "--help", "--version",
    ];

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("--bogus", "--help")]
    [InlineData("--max-tokens", "lots", "--help")]
    public async Task Help_ListsEveryFlagAndExitsZero(params string[] args)
    {
        var (exitCode, output, error) = await ChatbotRunner.RunAsync(args);

        Assert.Equal(ChatbotProgram.ExitOk, exitCode);
        Assert.Equal(string.Empty, error);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.All(EveryFlag, flag => Assert.Contains(flag, output, StringComparison.Ordinal));
        Assert.Contains("local|openai|anthropic", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsTheEnvironmentVariablesAndFilesItReads()
    {
        var (_, output, _) = await ChatbotRunner.RunAsync(["--help"]);

        foreach (var variable in new[] { ModelLocator.EnvironmentVariable, "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "Agents__Llama__", "appsettings.json", "Agents:Defaults" })
        {
            Assert.Contains(variable, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Version_PrintsTheVersionAndExitsZero()
    {
        var (exitCode, output, error) = await ChatbotRunner.RunAsync(["--version"]);

        Assert.Equal(ChatbotProgram.ExitOk, exitCode);
        Assert.Equal(string.Empty, error);
        Assert.Matches(@"^\d+\.\d+\.\d+", output.Trim());
    }

    [Fact]
    public async Task OptEqualsValue_MeansTheSameAsASeparateValue()
    {
        var joined = await ChatbotRunner.RunAsync(
            ["--model=" + TestModel.Path, "--prompt=Hello", "--json", "--max-tokens=3", "--temperature=0"]);
        var separate = await ChatbotRunner.RunAsync(
            ["--model", TestModel.Path, "--prompt", "Hello", "--json", "--max-tokens", "3", "--temperature", "0"]);

        Assert.Equal(ChatbotProgram.ExitOk, joined.ExitCode);
        Assert.Equal(string.Empty, joined.Error);
        using var json = JsonDocument.Parse(joined.Output);
        using var reference = JsonDocument.Parse(separate.Output);
        Assert.Equal(3, json.RootElement.GetProperty("usage").GetProperty("completionTokens").GetInt32());
        Assert.Equal("length", json.RootElement.GetProperty("finishReason").GetString());
        Assert.Equal(reference.RootElement.GetProperty("text").GetString(), json.RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task PromptStartingWithAt_IsTextNotAResponseFile()
    {
        var (exitCode, output, error) = await ChatbotRunner.RunAsync(
            ["--model", TestModel.Path, "--prompt", "@team hello", "--json", "--max-tokens", "2", "--temperature", "0"]);

        Assert.Equal(ChatbotProgram.ExitOk, exitCode);
        Assert.Equal(string.Empty, error);
        Assert.True(JsonDocument.Parse(output).RootElement.GetProperty("usage").GetProperty("promptTokens").GetInt32() > 0);
    }

    [Fact]
    public async Task BuiltExecutable_Help_ExitsZeroWithUsageOnStdout()
    {
        var run = await SampleProcess.RunAsync("Chatbot.dll", AppContext.BaseDirectory, ["--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(string.Empty, run.Stderr);
        Assert.Contains("Usage:", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("OPENAI_API_KEY", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuiltExecutable_BadValue_ExitsTwoNamingTheFlag()
    {
        var run = await SampleProcess.RunAsync("Chatbot.dll", AppContext.BaseDirectory, ["--top-k=many"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Equal("chatbot: --top-k needs a whole number from 1 to 1048576, not 'many'.", Assert.Single(ChatbotRunner.Lines(run.Stderr)));
    }
}
