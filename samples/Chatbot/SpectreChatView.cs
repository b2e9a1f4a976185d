using Spectre.Console;

namespace Agents.Samples.Chatbot;

/// <summary>A styled terminal view.</summary>
public sealed class SpectreChatView(IAnsiConsole console) : IChatView
{
    public void Welcome(string backend, string? model)
    {
        console.Write(new Rule($"[bold]Agents chatbot[/] · {Markup.Escape(backend)} · {Markup.Escape(model ?? "default model")}").LeftJustified());
        console.MarkupLine("[grey]/reset · /system <text> · /stats · /help · /exit — Ctrl+C stops an answer[/]");
    }

    public void PromptForInput() => console.Markup("[bold green]you>[/] ");

    public void AnswerStarted() => console.Markup("[bold blue]bot>[/] ");

    public void AnswerText(string text) => console.Write(new Text(text));

    public void AnswerFinished(TurnResult result)
    {
        console.WriteLine();
        var speed = result.TokensPerSecond is { } tps ? $"{tps:F1} tok/s · " : string.Empty;
        console.MarkupLine($"[grey]{speed}{result.Usage.CompletionTokens} tokens · {result.FinishReason?.ToString() ?? "?"}[/]");
    }

    public void AnswerCancelled()
    {
        console.WriteLine();
        console.MarkupLine("[yellow](answer cancelled)[/]");
    }

    public void Info(string text) => console.MarkupLine($"[grey]{Markup.Escape(text)}[/]");

    public void ShowError(string text) => console.MarkupLine($"[red]error:[/] {Markup.Escape(text)}");

    public void Stats(ChatSession session)
    {
        var table = new Table().AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
        foreach (var (label, value) in StatsFormatter.Rows(session))
        {
            table.AddRow(Markup.Escape(label), Markup.Escape(value));
        }

        console.Write(table);
    }
}
