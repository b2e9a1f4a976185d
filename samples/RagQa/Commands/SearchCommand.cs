using System.Globalization;
using Agents.Rag;
using Spectre.Console;

namespace Agents.Samples.RagQa;

/// <summary>
/// <c>search "&lt;query&gt;"</c>: ranked passages with source, score and character range. Needs no generation model;
/// hybrid and vector modes load the embedding model that filled the store.
/// </summary>
internal static class SearchCommand
{
    public static async Task<int> RunAsync(ParsedCommand command, CancellationToken cancellationToken)
    {
        await using var store = await RagQaApp.OpenExistingStoreAsync(command, cancellationToken);
        if (store is null)
        {
            return RagQaApp.Failure;
        }

        using var search = await StoreSearch.OpenAsync(command, store, cancellationToken);
        var results = await search.Retriever.RetrieveAsync(
            command.Argument, new RetrievalOptions { TopK = command.TopK, Mode = search.Mode }, cancellationToken);
        if (command.Json)
        {
            JsonOutput.Write(new
            {
                results = results.Select((r, i) => new { rank = i + 1, source = r.Source, score = Math.Round(r.Score, 4), start = r.Start, end = r.End, text = r.Text }),
            });
            return RagQaApp.Success;
        }

        if (results.Count == 0)
        {
            AnsiConsole.MarkupLine("[yellow]No passages match.[/]");
            return RagQaApp.Success;
        }

        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            var location = string.Create(CultureInfo.InvariantCulture, $"{r.Source}{(r.Page is { } p ? $", page {p}" : "")}{(r.HeadingPath is { } h ? $", {h}" : "")}, characters {r.Start}-{r.End}, score {r.Score:F3}");
            AnsiConsole.Write(new Panel(Markup.Escape(r.Text.Trim()))
                .Header(Markup.Escape($"{i + 1}. {location}"))
                .Expand());
        }

        return RagQaApp.Success;
    }
}
