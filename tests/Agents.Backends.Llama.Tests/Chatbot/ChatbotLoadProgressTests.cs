using System.Text.RegularExpressions;
using Agents.Samples.Chatbot;
using Agents.Testing;
using Spectre.Console;

namespace Agents.Backends.Llama.Tests.Chatbot;

/// <summary>The spinner drawn on stderr while the local model loads: on a terminal only, never with <c>--json</c>.</summary>
public sealed partial class ChatbotLoadProgressTests
{
    [Fact]
    public async Task OnATerminal_ShowsTheModelBeingLoaded_AndKeepsStdoutPlain()
    {
        using var terminal = new StringWriter();

        var (exitCode, output, error) = await ChatbotRunner.RunAsync(
            ["--model", TestModel.Path, "--prompt", "Hello", "--max-tokens", "2", "--temperature", "0"], progressConsole: Terminal(terminal));

        Assert.Equal(ChatbotProgram.ExitOk, exitCode);
        Assert.Equal(string.Empty, error);
        Assert.Contains("Loading llama-2-tiny-random.gguf… ", Plain(terminal.ToString()), StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', output);
        Assert.DoesNotContain("Loading", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--json")]
    [InlineData("--json-schema")]
    public async Task WithMachineOutput_DrawsNothing(string flag)
    {
        using var terminal = new StringWriter();
        var schema = Path.GetTempFileName();
        await File.WriteAllTextAsync(schema, """{ "type": "object", "properties": { "n": { "type": "integer" } }, "required": ["n"] }""");
        try
        {
            string[] machine = flag == "--json" ? ["--json"] : ["--json-schema", schema];
            var (exitCode, _, error) = await ChatbotRunner.RunAsync(
                ["--model", TestModel.Path, "--prompt", "Hello", "--max-tokens", "40", "--temperature", "0", .. machine], progressConsole: Terminal(terminal));

            Assert.True(exitCode is ChatbotProgram.ExitOk or ChatbotProgram.ExitFailed, error);
            Assert.Equal(string.Empty, terminal.ToString());
        }
        finally
        {
            File.Delete(schema);
        }
    }

    [Fact]
    public async Task WithoutATerminal_DrawsNothingAnywhere()
    {
        var (exitCode, output, error) = await ChatbotRunner.RunAsync(
            ["--model", TestModel.Path, "--prompt", "Hello", "--max-tokens", "2", "--temperature", "0"]);

        Assert.Equal(ChatbotProgram.ExitOk, exitCode);
        Assert.Equal(string.Empty, error);
        Assert.DoesNotContain("Loading", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0f, "Loading m.gguf… 0%")]
    [InlineData(0.424f, "Loading m.gguf… 42%")]
    [InlineData(1f, "Loading m.gguf… 100%")]
    [InlineData(1.5f, "Loading m.gguf… 100%")]
    public void Describe_NamesTheFileAndTheWholePercentage(float fraction, string expected) =>
        Assert.Equal(expected, ModelLoadProgress.Describe(Path.Combine("models", "m.gguf"), fraction));

    private static IAnsiConsole Terminal(TextWriter writer) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer),
        Ansi = AnsiSupport.Yes,
        Interactive = InteractionSupport.Yes,
        ColorSystem = ColorSystemSupport.NoColors,
    });

    private static string Plain(string text) => AnsiEscape().Replace(text, string.Empty);

    [GeneratedRegex(@"\u001b\[[0-9;?]*[A-Za-z]")]
    private static partial Regex AnsiEscape();
}
