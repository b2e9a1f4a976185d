using Spectre.Console;

namespace Agents.Samples.RagQa;

/// <summary>Spinners for slow steps, drawn only when <see cref="ParsedCommand.Decorated"/> allows it.</summary>
internal static class Decorations
{
    /// <summary>Runs <paramref name="work"/> under a status spinner saying <paramref name="status"/>, or plainly.</summary>
    public static Task<T> WithStatusAsync<T>(ParsedCommand command, string status, Func<Task<T>> work) =>
        command.Decorated
            ? AnsiConsole.Status().Spinner(Spinner.Known.Dots).StartAsync(Markup.Escape(status), _ => work())
            : work();
}
