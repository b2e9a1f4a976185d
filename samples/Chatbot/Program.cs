using Agents.Samples.Chatbot;
using Spectre.Console;

// Console.Out/In are used only here, so the whole app can be driven in-process by tests. The model-loading spinner is
// drawn on stderr, and only when stderr is a terminal: nothing decorative reaches a pipe or a file.
var progressConsole = Console.IsErrorRedirected
    ? null
    : AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
return await ChatbotProgram.RunAsync(
    args, Console.In, Console.Out, Console.Error, interactiveConsole: !Console.IsInputRedirected && !Console.IsOutputRedirected,
    progressConsole: progressConsole);
