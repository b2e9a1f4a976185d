using Agents.Samples.Chatbot;

namespace Agents.Backends.Llama.Tests.Chatbot;

/// <summary>Runs the Chatbot's entry point in-process with captured stdin/stdout/stderr.</summary>
public static class ChatbotRunner
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string[] args, string input = "", Spectre.Console.IAnsiConsole? progressConsole = null)
    {
        using var stdin = new StringReader(input);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = await ChatbotProgram.RunAsync(args, stdin, stdout, stderr, interactiveConsole: false, handleCtrlC: false, progressConsole: progressConsole);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    public static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
