using System.CommandLine;
using System.CommandLine.Help;
using System.Text.RegularExpressions;
using Agents.Rag;
using Microsoft.Data.Sqlite;

namespace Agents.Samples.RagQa;

/// <summary>The command-line program: parses, dispatches, and turns failures into one line on stderr and an exit code.</summary>
public static partial class RagQaApp
{
    /// <summary>Exit code for success.</summary>
    public const int Success = 0;

    /// <summary>Exit code for a failure at run time (no store, no model configured, unreadable store).</summary>
    public const int Failure = 1;

    /// <summary>Exit code for a bad command line.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code for a run cancelled with Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;

    /// <summary>Runs RagQa with <paramref name="args"/>.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="cancellationToken">Cancels the run (Ctrl+C); the exit code is then <see cref="Cancelled"/>.</param>
    /// <returns>The process exit code.</returns>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var root = RagQaCommandLine.Create(DispatchAsync);
        var parsed = root.Parse(args);

        // Help and version print even beside other mistakes; any other error is one line and exit code 2.
        var helpOrVersion = parsed.Action is HelpAction || root.Options.OfType<VersionOption>().Any(o => parsed.GetResult(o) is not null);
        if (parsed.Errors.Count > 0 && !helpOrVersion)
        {
            // System.CommandLine's messages may span lines (lists of allowed values); the contract is one line.
            var message = string.Join(" ", parsed.Errors.Select(e => OneLine().Replace(e.Message, " ")));
            Console.Error.WriteLine($"error: {message} (see --help)");
            return UsageError;
        }

        // Ctrl+C is turned into cancellation by Program; System.CommandLine's own handler would race it.
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null };
        return await parsed.InvokeAsync(invocation, cancellationToken);
    }

    private static async Task<int> DispatchAsync(ParsedCommand command, CancellationToken cancellationToken)
    {
        try
        {
            return command.Name switch
            {
                "ingest" => await IngestCommand.RunAsync(command, cancellationToken),
                "search" => await SearchCommand.RunAsync(command, cancellationToken),
                _ => await AskCommand.RunAsync(command, cancellationToken),
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine("cancelled.");
            return Cancelled;
        }
        catch (Exception exception) when (exception is RagStoreException or DirectoryNotFoundException or IOException
            or UnauthorizedAccessException or SqliteException or GeneratorException or InvalidOperationException
            or Microsoft.Extensions.Options.OptionsValidationException or ArgumentException or UriFormatException)
        {
            Console.Error.WriteLine($"error: {exception.Message}");
            return Failure;
        }
    }

    [GeneratedRegex(@"\s*[\r\n]+\s*")]
    private static partial Regex OneLine();

    /// <summary>Opens an existing store, or explains how to create one.</summary>
    internal static async Task<SqliteRagStore?> OpenExistingStoreAsync(ParsedCommand command, CancellationToken cancellationToken)
    {
        if (!File.Exists(command.StorePath))
        {
            Console.Error.WriteLine($"error: no store at '{command.StorePath}'. Run 'RagQa ingest <folder>' first (or pass --store <file>).");
            return null;
        }

        return await SqliteRagStore.OpenAsync(command.StorePath, cancellationToken);
    }
}
