using Agents.Backends.Llama.Tests.Chatbot;
using Agents.Testing;

namespace Agents.Backends.Llama.Tests.Grammar;

public sealed class ChatbotJsonSchemaTests : IDisposable
{
    private const string Schema = """{"type":"object","properties":{"name":{"type":"string","maxLength":6},"age":{"type":"integer","minimum":0,"maximum":99}},"required":["name","age"]}""";
    private readonly string _schemaFile = Path.Combine(Path.GetTempPath(), $"chatbot-schema-{Guid.NewGuid():N}.json");

    public ChatbotJsonSchemaTests() => File.WriteAllText(_schemaFile, Schema);

    public void Dispose() => File.Delete(_schemaFile);

    [Fact]
    public async Task OneShotJsonSchema_TestModel_PrintsSchemaValidJson()
    {
        var (exitCode, output, error) = await ChatbotRunner.RunAsync(
            ["--model", TestModel.Path, "--prompt", "Who?", "--json-schema", _schemaFile, "--max-tokens", "200", "--temperature", "0"]);

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, error);
        Assert.Empty(SchemaCheck.Errors(Schema, output));
    }

    [Fact]
    public async Task OneShotJsonSchema_MissingFile_ExitsTwoNamingIt()
    {
        var (exitCode, _, error) = await ChatbotRunner.RunAsync(
            ["--model", TestModel.Path, "--prompt", "Who?", "--json-schema", "/nonexistent/schema.json"]);

        Assert.Equal(2, exitCode);
        Assert.Contains("/nonexistent/schema.json", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonSchemaWithoutPrompt_ExitsTwo()
    {
        var (exitCode, _, error) = await ChatbotRunner.RunAsync(["--model", TestModel.Path, "--json-schema", _schemaFile]);

        Assert.Equal(2, exitCode);
        Assert.Contains("--json-schema needs --prompt", error, StringComparison.Ordinal);
    }
}
