using Agents.Rag;
using Microsoft.Data.Sqlite;

namespace Agents.Samples.RagQa;

/// <summary>The command-line program: parses, dispatches, and turns failures into one line on stderr and an exit code.</summary>
public static class RagQaApp
{
    /// <summary>Exit code for success.</summary>
    public const int Success = 0;

    /// <summary>Exit code for a failure at run time (no store, no model configured, unreadable store).</summary>
    public const int Failure = 1;

    /// <summary>Exit code for a bad command line.</summary>
    public const int UsageError = 2;

    public const string Usage = """
        RagQa: question answering over a folder of documents, with citations.

        usage:
          RagQa ingest <folder> [--store <file>]
          RagQa search "<query>" [--store <file>] [--top-k N] [--json]
          RagQa ask "<question>" [--store <file>] [--model <gguf> | --backend openai|anthropic] [--top-k N] [--json]

        The store defaults to .rag/store.db under the current folder. search works without any model;
        ask needs one: --model <file.gguf> for a local model, or --backend openai|anthropic with the
        provider's API key in OPENAI_API_KEY or ANTHROPIC_API_KEY.
        """;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0] is "-h" or "--help" or "help")
        {
            Console.Out.WriteLine(Usage);
            return Success;
        }

        try
        {
            var command = ParsedCommand.Parse(args);
            return command.Name switch
            {
                "ingest" => await IngestCommand.RunAsync(command, cancellationToken),
                "search" => await SearchCommand.RunAsync(command, cancellationToken),
                _ => await AskCommand.RunAsync(command, cancellationToken),
            };
        }
        catch (UsageException exception)
        {
            Console.Error.WriteLine($"error: {exception.Message}");
            return UsageError;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled.");
            return Failure;
        }
        catch (Exception exception) when (exception is RagStoreException or DirectoryNotFoundException or IOException
            or UnauthorizedAccessException or SqliteException or GeneratorException or InvalidOperationException
            or Microsoft.Extensions.Options.OptionsValidationException or ArgumentException or UriFormatException)
        {
            Console.Error.WriteLine($"error: {exception.Message}");
            return Failure;
        }
    }

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
