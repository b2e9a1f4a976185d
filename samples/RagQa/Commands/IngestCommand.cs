using System.Globalization;
using Agents.Backends.Onnx;
using Agents.Rag;
using Spectre.Console;

namespace Agents.Samples.RagQa;

/// <summary>
/// <c>ingest &lt;folder&gt;</c>: brings the store up to date with the folder, embedding every chunk with all-MiniLM-L6-v2
/// unless <c>--no-embeddings</c>, with a progress bar and a summary.
/// </summary>
internal static class IngestCommand
{
    public static async Task<int> RunAsync(ParsedCommand command, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(command.Argument))
        {
            Console.Error.WriteLine($"error: the folder '{command.Argument}' does not exist.");
            return RagQaApp.Failure;
        }

        await using var store = await SqliteRagStore.OpenAsync(command.StorePath, cancellationToken);
        using var embedder = command.NoEmbeddings
            ? null
            : await Decorations.WithStatusAsync(
                command, $"Loading the embedding model ({MiniLmEmbeddingGenerator.ModelName})", () => Task.FromResult(new MiniLmEmbeddingGenerator()));
        var ingestor = new DocumentIngestor(store, embedder: embedder);
        IngestionSummary summary;
        if (command.Decorated)
        {
            summary = await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask("Ingesting", maxValue: 1);
                    var progress = new Progress<IngestionProgress>(p =>
                    {
                        task.MaxValue = Math.Max(1, p.FilesTotal);
                        task.Value = p.FilesDone;
                        task.Description = Markup.Escape(Shorten(p.CurrentSource));
                    });
                    return await ingestor.IngestFolderAsync(command.Argument, progress, cancellationToken);
                });
        }
        else
        {
            summary = await ingestor.IngestFolderAsync(command.Argument, cancellationToken: cancellationToken);
        }

        var (documents, chunks) = await store.CountAsync(cancellationToken);
        var table = new Table().AddColumns("", "");
        table.HideHeaders();
        table.AddRow("Files found", summary.FilesFound.ToString(CultureInfo.InvariantCulture));
        table.AddRow("Added / updated / unchanged / removed", $"{summary.Added} / {summary.Updated} / {summary.Unchanged} / {summary.Removed}");
        table.AddRow("Chunks written", summary.ChunksWritten.ToString(CultureInfo.InvariantCulture));
        table.AddRow("Embeddings", embedder is null ? "none (--no-embeddings: keyword search only)" : $"{MiniLmEmbeddingGenerator.ModelName} ({MiniLmEmbeddingGenerator.Dimensions} dimensions)");
        table.AddRow("Skipped", summary.Skipped.Count.ToString(CultureInfo.InvariantCulture));
        table.AddRow("Time", $"{summary.Elapsed.TotalSeconds:F2} s");
        table.AddRow("Store", Markup.Escape($"{command.StorePath} ({documents} documents, {chunks} chunks)"));
        AnsiConsole.Write(table);
        foreach (var skipped in summary.Skipped)
        {
            AnsiConsole.MarkupLine($"[yellow]skipped[/] {Markup.Escape(skipped.Source)}: {Markup.Escape(skipped.Reason)}");
        }

        return RagQaApp.Success;
    }

    private static string Shorten(string source) => source.Length <= 40 ? source : "…" + source[^39..];
}
