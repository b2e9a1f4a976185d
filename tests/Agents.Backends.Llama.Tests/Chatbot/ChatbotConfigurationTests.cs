using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Agents.Testing;

namespace Agents.Backends.Llama.Tests.Chatbot;

/// <summary>
/// The Chatbot reads appsettings.json (beside it, then in the current directory), then environment variables, and
/// flags override both; run as a separate process so the current directory is the test's own folder.
/// </summary>
public sealed partial class ChatbotConfigurationTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("chatbot-config-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task ContextSizeFromTheFile_IsUsed_AndTheFlagOverridesIt()
    {
        WriteSettings("""{ "Agents": { "Llama": { "ContextSize": 32 } } }""");

        var fromFile = await RunAsync(["--prompt", "Hello", "--max-tokens", "30"]);
        var fromFlag = await RunAsync(["--prompt", "Hello", "--max-tokens", "30", "--context", "512"]);

        Assert.Equal(1, fromFile.ExitCode);
        Assert.Contains("context window of 32 tokens", Assert.Single(Lines(fromFile.Stderr)), StringComparison.Ordinal);
        Assert.True(fromFlag.ExitCode == 0, fromFlag.Stderr);
        Assert.Equal(string.Empty, fromFlag.Stderr);
    }

    [Fact]
    public async Task EnvironmentVariable_OverridesTheFile_AndTheFlagOverridesIt()
    {
        WriteSettings("""{ "Agents": { "Llama": { "ContextSize": 512 } } }""");
        var smallWindow = new Dictionary<string, string?> { ["Agents__Llama__ContextSize"] = "32" };

        var fromEnvironment = await RunAsync(["--prompt", "Hello", "--max-tokens", "30"], smallWindow);
        var fromFlag = await RunAsync(["--prompt", "Hello", "--max-tokens", "30", "--context=512"], smallWindow);

        Assert.Equal(1, fromEnvironment.ExitCode);
        Assert.Contains("context window of 32 tokens", fromEnvironment.Stderr, StringComparison.Ordinal);
        Assert.True(fromFlag.ExitCode == 0, fromFlag.Stderr);
    }

    [Fact]
    public async Task MaxTokensFromTheDefaultsSection_IsUsed_AndTheFlagOverridesIt()
    {
        WriteSettings("""{ "Agents": { "Defaults": { "MaxTokens": 2 } } }""");

        var fromFile = await RunAsync(["--prompt", "Hello", "--json", "--temperature", "0"]);
        var fromFlag = await RunAsync(["--prompt", "Hello", "--json", "--temperature", "0", "--max-tokens", "3"]);

        Assert.True(fromFile.ExitCode == 0, fromFile.Stderr);
        Assert.Equal(2, CompletionTokens(fromFile.Stdout));
        Assert.True(fromFlag.ExitCode == 0, fromFlag.Stderr);
        Assert.Equal(3, CompletionTokens(fromFlag.Stdout));
    }

    [Fact]
    public async Task UnknownKeyInTheFile_ExitsTwoNamingTheKey()
    {
        WriteSettings("""{ "Agents": { "Llama": { "ContextSise": 512 } } }""");

        var run = await RunAsync(["--prompt", "Hello"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        var line = Assert.Single(Lines(run.Stderr));
        Assert.StartsWith("chatbot: ", line, StringComparison.Ordinal);
        Assert.Contains("Agents:Llama:ContextSise", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadDefaultInTheFile_ExitsTwoNamingTheKey()
    {
        WriteSettings("""{ "Agents": { "Defaults": { "TopP": 1.5 } } }""");

        var run = await RunAsync(["--prompt", "Hello"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Agents:Defaults:TopP", Assert.Single(Lines(run.Stderr)), StringComparison.Ordinal);
    }

    [Fact]
    public void ShippedSettings_MatchTheReadmeExample()
    {
        var shipped = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "appsettings.json")));
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var example = ReadmeSettingsExample().Match(readme);

        Assert.True(example.Success, "README.md should show the samples' appsettings.json in a ```json block after 'samples/Chatbot/appsettings.json'");
        Assert.True(JsonNode.DeepEquals(shipped, JsonNode.Parse(example.Groups["json"].Value)), "samples/Chatbot/appsettings.json differs from the README's example");
        Assert.NotNull(shipped?["Agents"]?["Llama"]);
        Assert.NotNull(shipped?["Agents"]?["Defaults"]);
    }

    private Task<SampleRun> RunAsync(string[] args, IReadOnlyDictionary<string, string?>? environment = null) =>
        SampleProcess.RunAsync("Chatbot.dll", _work, ["--model", TestModel.Path, .. args], environment);

    private void WriteSettings(string json) => File.WriteAllText(Path.Combine(_work, "appsettings.json"), json);

    private static int CompletionTokens(string stdout) =>
        JsonDocument.Parse(stdout).RootElement.GetProperty("usage").GetProperty("completionTokens").GetInt32();

    private static string[] Lines(string text) => ChatbotRunner.Lines(text);

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Agents.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("no Agents.sln above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"samples/Chatbot/appsettings\.json.*?```json\s*\n(?<json>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ReadmeSettingsExample();
}
