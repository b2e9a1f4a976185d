using System.CommandLine;
using Agents.Backends.Llama;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Agents.Samples.Chatbot;

/// <summary>The chatbot: one-shot (<c>--prompt</c>) or a conversation read from the terminal or from piped stdin.</summary>
public static class ChatbotProgram
{
    public const int ExitOk = 0;
    public const int ExitFailed = 1;
    public const int ExitUsage = 2;
    public const int ExitCancelled = 130;

    /// <summary>Runs the program.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="input">Where user lines come from.</param>
    /// <param name="output">Answers (and the JSON object).</param>
    /// <param name="error">Problems: one line each.</param>
    /// <param name="interactiveConsole">Whether input is a terminal (a styled view is used).</param>
    /// <param name="handleCtrlC">Whether Ctrl+C is hooked (only the real process does it).</param>
    /// <param name="progressConsole">
    /// Where the model-loading spinner is drawn (the terminal's stderr); <see langword="null"/>, as when stderr is
    /// redirected, for none. Never drawn with <c>--json</c> or <c>--json-schema</c>.
    /// </param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(
        string[] args, TextReader input, TextWriter output, TextWriter error, bool interactiveConsole = false, bool handleCtrlC = true,
        IAnsiConsole? progressConsole = null)
    {
        var parsed = ChatbotCommandLine.Parse(args);

        // Help and version print even beside other mistakes; any other mistake is one line and exit code 2.
        if (ChatbotCommandLine.IsHelpOrVersion(parsed))
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error });
        }

        if (parsed.Errors.Count > 0)
        {
            await error.WriteLineAsync("chatbot: " + ChatbotCommandLine.DescribeErrors(parsed)).ConfigureAwait(false);
            return ExitUsage;
        }

        var options = ChatbotCommandLine.ToOptions(parsed);
        IHost? host = null;
        LlamaModel? preloaded = null;
        IGenerator generator;
        try
        {
            ToolFlags.Check(options);
            host = GeneratorHost.Build(options);
            await host.StartAsync().ConfigureAwait(false);

            // The local model loads here, under a spinner with its progress when stderr is a terminal; the generator
            // resolved next shares the loaded weights instead of loading them again.
            preloaded = await ModelLoadProgress.PreloadAsync(
                host.Services, progressConsole is not null && !options.Json && options.JsonSchemaPath is null ? progressConsole : null).ConfigureAwait(false);
            generator = host.Services.GetRequiredService<IGenerator>();
        }
        catch (Exception ex) when (ex is UsageException or ModelLoadException or OptionsValidationException)
        {
            preloaded?.Dispose();
            host?.Dispose();
            await error.WriteLineAsync("chatbot: " + OneLine(ex.Message)).ConfigureAwait(false);
            return ExitUsage;
        }

        using var cancellation = new AnswerCancellation();
        ConsoleCancelEventHandler? onCtrlC = null;
        if (handleCtrlC)
        {
            onCtrlC = (_, e) =>
            {
                // Stop the answer, keep the program; with no answer running, a one-shot run ends and a chat carries on.
                e.Cancel = cancellation.CancelCurrent() || options.Prompt is null;
            };
            Console.CancelKeyPress += onCtrlC;
        }

        try
        {
            return options.Prompt is { } prompt
                ? await RunOneShotAsync(generator, options, prompt, output, error, cancellation).ConfigureAwait(false)
                : await RunConversationAsync(generator, options, input, interactiveConsole
                    ? new SpectreChatView(AnsiConsole.Console)
                    : new PlainChatView(output, error), cancellation).ConfigureAwait(false);
        }
        finally
        {
            if (onCtrlC is not null)
            {
                Console.CancelKeyPress -= onCtrlC;
            }

            await host.StopAsync().ConfigureAwait(false);
            host.Dispose();
            preloaded?.Dispose();
        }
    }

    private static async Task<int> RunOneShotAsync(
        IGenerator generator, ChatbotOptions options, string prompt, TextWriter output, TextWriter error, AnswerCancellation cancellation)
    {
        var session = new ChatSession(generator, options) { OnToolActivity = line => error.WriteLine(line) };
        var turn = cancellation.Begin(CancellationToken.None);
        try
        {
            if (options.JsonSchemaPath is { } schemaPath)
            {
                var schema = SchemaAnswer.ReadSchema(schemaPath);
                await output.WriteLineAsync(await SchemaAnswer.AskAsync(generator, options, prompt, schema, turn.Token).ConfigureAwait(false)).ConfigureAwait(false);
                return ExitOk;
            }

            var result = await session.AskAsync(prompt, text =>
            {
                if (!options.Json)
                {
                    output.Write(text);
                    output.Flush();
                }
            }, turn.Token).ConfigureAwait(false);
            await output.WriteLineAsync(options.Json ? JsonAnswer.Format(result) : string.Empty).ConfigureAwait(false);
            return ExitOk;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("chatbot: cancelled.").ConfigureAwait(false);
            return ExitCancelled;
        }
        catch (UsageException ex)
        {
            await error.WriteLineAsync("chatbot: " + OneLine(ex.Message)).ConfigureAwait(false);
            return ExitUsage;
        }
        catch (GeneratorException ex)
        {
            await error.WriteLineAsync("chatbot: " + OneLine(ex.Message)).ConfigureAwait(false);
            return ExitFailed;
        }
        finally
        {
            cancellation.End(turn);
        }
    }

    private static async Task<int> RunConversationAsync(
        IGenerator generator, ChatbotOptions options, TextReader input, IChatView view, AnswerCancellation cancellation)
    {
        var session = new ChatSession(generator, options) { OnToolActivity = view.Info };
        view.Welcome(options.Backend, options.Model);
        while (true)
        {
            view.PromptForInput();
            var line = await input.ReadLineAsync().ConfigureAwait(false);
            if (line is null)
            {
                return ExitOk;
            }

            line = line.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('/'))
            {
                if (!RunCommand(line, session, view))
                {
                    return ExitOk;
                }

                continue;
            }

            var turn = cancellation.Begin(CancellationToken.None);
            try
            {
                view.AnswerStarted();
                view.AnswerFinished(await session.AskAsync(line, view.AnswerText, turn.Token).ConfigureAwait(false));
            }
            catch (OperationCanceledException)
            {
                view.AnswerCancelled();
            }
            catch (GeneratorException ex)
            {
                view.ShowError(OneLine(ex.Message));
            }
            finally
            {
                cancellation.End(turn);
            }
        }
    }

    /// <returns><see langword="false"/> when the user asked to leave.</returns>
    private static bool RunCommand(string line, ChatSession session, IChatView view)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var command = space < 0 ? line : line[..space];
        var argument = space < 0 ? string.Empty : line[(space + 1)..].Trim();
        switch (command.ToLowerInvariant())
        {
            case "/reset":
                session.Reset();
                view.Info("Conversation cleared.");
                break;
            case "/system":
                session.SystemPrompt = argument.Length == 0 ? null : argument;
                view.Info(argument.Length == 0 ? "System prompt removed." : "System prompt set.");
                break;
            case "/stats":
                view.Stats(session);
                break;
            case "/help":
                view.Info(ChatbotCommandLine.HelpText());
                break;
            case "/exit" or "/quit":
                return false;
            default:
                view.ShowError($"unknown command '{command}' (try /help).");
                break;
        }

        return true;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
