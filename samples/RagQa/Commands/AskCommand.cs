using Agents.Rag;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace Agents.Samples.RagQa;

/// <summary><c>ask "&lt;question&gt;"</c>: retrieves passages, asks the configured model, prints the answer and its citations.</summary>
internal static class AskCommand
{
    public static async Task<int> RunAsync(ParsedCommand command, CancellationToken cancellationToken)
    {
        await using var store = await RagQaApp.OpenExistingStoreAsync(command, cancellationToken);
        if (store is null)
        {
            return RagQaApp.Failure;
        }

        var index = await RagIndex.LoadAsync(store, cancellationToken: cancellationToken);
        var retriever = new LocalRetriever(index);
        using var host = ModelConfiguration.CreateHost(command, retriever, out var problem);
        if (host is null)
        {
            Console.Error.WriteLine(problem);
            return RagQaApp.Failure;
        }

        await host.StartAsync(cancellationToken);
        var generator = host.Services.GetRequiredService<IGenerator>();
        var result = await generator.GenerateAsync(
            command.Argument, new GenerationOptions { MaxTokens = 512, Temperature = 0 }, cancellationToken);

        IReadOnlyList<Citation> given = result.AdditionalProperties is { } properties
            && properties.TryGetValue(RetrievalGenerator.CitationsKey, out var value) && value is IReadOnlyList<Citation> list
            ? list
            : [];
        var cited = CitationResolver.Cited(result.Text, given);

        // An answer without markers still came from these sources: show them all rather than none.
        var citations = cited.Count > 0 ? cited : given;
        if (command.Json)
        {
            JsonOutput.Write(new
            {
                answer = result.Text,
                citations = citations.Select(c => new { n = c.Number, source = c.Source, start = c.Start, end = c.End, text = c.Text }),
                usage = result.Usage is { } u
                    ? new { prompt_tokens = u.PromptTokens, completion_tokens = u.CompletionTokens, cached_prompt_tokens = u.CachedPromptTokens, total_tokens = u.TotalTokens }
                    : null,
            });
            return RagQaApp.Success;
        }

        AnsiConsole.WriteLine(result.Text.Trim());
        AnsiConsole.WriteLine();
        foreach (var c in citations)
        {
            var page = c.Page is { } p ? $", page {p}" : string.Empty;
            var heading = c.HeadingPath is { } h ? $", {h}" : string.Empty;
            AnsiConsole.MarkupLine($"[grey][[{c.Number}]] {Markup.Escape($"{c.Source}{page}{heading}, characters {c.Start}-{c.End}")}[/]");
        }

        if (result.Usage is { } usage)
        {
            AnsiConsole.MarkupLine($"[grey]tokens: {usage.PromptTokens} prompt ({usage.CachedPromptTokens} cached), {usage.CompletionTokens} completion[/]");
        }

        await host.StopAsync(CancellationToken.None);
        return RagQaApp.Success;
    }
}
