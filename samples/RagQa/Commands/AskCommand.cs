using Agents.Rag;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace Agents.Samples.RagQa;

/// <summary>
/// <c>ask "&lt;question&gt;"</c>: retrieves passages, asks the configured model, streams the answer token by token and
/// ends with its citations (with <c>--json</c>, prints one JSON object at the end instead).
/// </summary>
internal static class AskCommand
{
    public static async Task<int> RunAsync(ParsedCommand command, CancellationToken cancellationToken)
    {
        await using var store = await RagQaApp.OpenExistingStoreAsync(command, cancellationToken);
        if (store is null)
        {
            return RagQaApp.Failure;
        }

        using var search = await StoreSearch.OpenAsync(command, store, cancellationToken);
        using var host = ModelConfiguration.CreateHost(command, search, out var problem);
        if (host is null)
        {
            Console.Error.WriteLine(problem);
            return RagQaApp.Failure;
        }

        await host.StartAsync(cancellationToken);

        // A local model loads here, with its progress under a spinner; the generator shares the loaded weights.
        using var model = await ModelLoading.PreloadAsync(command, host.Services, cancellationToken);
        var generator = host.Services.GetRequiredService<IGenerator>();
        var answer = await StreamAnswerAsync(command, generator, cancellationToken);

        IReadOnlyList<Citation> given = answer.AdditionalProperties is { } properties
            && properties.TryGetValue(RetrievalGenerator.CitationsKey, out var value) && value is IReadOnlyList<Citation> list
            ? list
            : [];
        var cited = CitationResolver.Cited(answer.Text, given);

        // An answer without markers still came from these sources: show them all rather than none.
        var citations = cited.Count > 0 ? cited : given;
        if (command.Json)
        {
            JsonOutput.Write(new
            {
                answer = answer.Text,
                citations = citations.Select(c => new { n = c.Number, source = c.Source, start = c.Start, end = c.End, text = c.Text }),
                usage = answer.Usage is { } u
                    ? new { prompt_tokens = u.PromptTokens, completion_tokens = u.CompletionTokens, cached_prompt_tokens = u.CachedPromptTokens, total_tokens = u.TotalTokens }
                    : null,
            });
        }
        else
        {
            AnsiConsole.WriteLine();
            AnsiConsole.WriteLine();
            foreach (var c in citations)
            {
                var page = c.Page is { } p ? $", page {p}" : string.Empty;
                var heading = c.HeadingPath is { } h ? $", {h}" : string.Empty;
                AnsiConsole.MarkupLine($"[grey][[{c.Number}]] {Markup.Escape($"{c.Source}{page}{heading}, characters {c.Start}-{c.End}")}[/]");
            }

            if (answer.Usage is { } usage)
            {
                AnsiConsole.MarkupLine($"[grey]tokens: {usage.PromptTokens} prompt ({usage.CachedPromptTokens} cached), {usage.CompletionTokens} completion[/]");
            }
        }

        await host.StopAsync(CancellationToken.None);
        return RagQaApp.Success;
    }

    /// <summary>Streams the answer to stdout as it is generated (unless <c>--json</c>) and returns it whole.</summary>
    private static async Task<GenerationResult> StreamAnswerAsync(ParsedCommand command, IGenerator generator, CancellationToken cancellationToken)
    {
        var accumulator = new GenerationResultAccumulator();
        var updates = generator.StreamAsync(
            new GenerationRequest([Message.User(command.Argument)], new GenerationOptions { MaxTokens = 512, Temperature = 0 }),
            cancellationToken);
        await using var enumerator = updates.GetAsyncEnumerator(cancellationToken);

        // Retrieval and prompt evaluation happen before the first token: that wait gets the spinner.
        var more = await Decorations.WithStatusAsync(command, "Reading the sources", async () => await enumerator.MoveNextAsync());
        var atStart = true;
        while (more)
        {
            var update = enumerator.Current;
            accumulator.Add(update);
            if (!command.Json && update.Text is { Length: > 0 } text)
            {
                // The answer's leading whitespace is noise; after that, every token is printed as it arrives.
                var shown = atStart ? text.TrimStart() : text;
                atStart &= shown.Length == 0;
                Console.Out.Write(shown);
                await Console.Out.FlushAsync(cancellationToken);
            }

            more = await enumerator.MoveNextAsync();
        }

        var result = accumulator.Build();
        result.Message = result.Message with { Text = result.Text.Trim() };
        return result;
    }
}
