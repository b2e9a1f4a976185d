using System.Globalization;
using System.Text;

namespace Agents.Orchestration;

/// <summary>
/// Keeps one run's prompt within the token budget: drops (and optionally summarises) the oldest whole turns, keeping
/// leading system messages and the newest turn. Not thread-safe: one instance per run.
/// </summary>
internal sealed class ConversationMemory
{
    public const string SummaryMessageName = "conversation_summary";

    private readonly AgentMemoryOptions _options;
    private readonly IGenerator _generator;
    private readonly TokenCounter _counter;

    public ConversationMemory(AgentMemoryOptions options, IGenerator generator)
    {
        _options = options;
        _generator = generator;
        _counter = new TokenCounter(options.Tokenizer ?? generator.GetService<ITokenizer>());
    }

    /// <summary>Gets how many trims this run made.</summary>
    public int Trims { get; private set; }

    /// <summary>Trims <paramref name="prompt"/> in place when, with <paramref name="instructions"/>, it is over budget.</summary>
    /// <returns>The usage of the summarisation call, if one was made.</returns>
    public async Task<Usage?> FitAsync(List<Message> prompt, Message? instructions, CancellationToken cancellationToken)
    {
        var fixedTokens = instructions is null ? 0 : _counter.Count(instructions);
        var counts = prompt.Select(_counter.Count).ToList();
        if (fixedTokens + counts.Sum() <= _options.TokenBudget)
        {
            return null;
        }

        var pinned = 0;
        while (pinned < prompt.Count && prompt[pinned].Role == MessageRole.System && prompt[pinned].Name != SummaryMessageName)
        {
            pinned++;
        }

        // Turns start at user messages; the last one (the question being answered) is never dropped. The cut is the
        // earliest turn start that brings the prompt down to the target, or the last turn when none does.
        var turnStarts = Enumerable.Range(pinned, prompt.Count - pinned).Where(i => prompt[i].Role == MessageRole.User).ToList();
        var lastTurn = turnStarts.Count > 0 ? turnStarts[^1] : pinned;
        var target = (int)(_options.TokenBudget * _options.TrimTarget);
        var pinnedTokens = fixedTokens + counts.Take(pinned).Sum();
        var cut = lastTurn;
        foreach (var start in turnStarts)
        {
            if (start > pinned && pinnedTokens + counts.Skip(start).Sum() <= target)
            {
                cut = start;
                break;
            }
        }

        if (cut <= pinned)
        {
            return null;
        }

        var dropped = prompt.GetRange(pinned, cut - pinned);
        prompt.RemoveRange(pinned, cut - pinned);
        Trims++;
        if (!_options.SummarizeTrimmedTurns)
        {
            return null;
        }

        var (summary, usage) = await SummarizeAsync(dropped, cancellationToken).ConfigureAwait(false);
        if (summary.Length > 0)
        {
            prompt.Insert(pinned, new Message(MessageRole.System, "Summary of the earlier conversation: " + summary) { Name = SummaryMessageName });
        }

        return usage;
    }

    private async Task<(string Summary, Usage? Usage)> SummarizeAsync(List<Message> dropped, CancellationToken cancellationToken)
    {
        var transcript = new StringBuilder();
        foreach (var message in dropped)
        {
            var speaker = message.Name == SummaryMessageName ? "earlier summary" : message.Role.ToString().ToLowerInvariant();
            transcript.Append(CultureInfo.InvariantCulture, $"{speaker}: {message.Text}");
            foreach (var call in message.ToolCalls)
            {
                transcript.Append(CultureInfo.InvariantCulture, $" [called {call.Name} {call.ArgumentsJson}]");
            }

            transcript.AppendLine();
        }

        var request = new GenerationRequest(
            [Message.System(_options.SummaryInstructions), Message.User(transcript.ToString())],
            new GenerationOptions { MaxTokens = _options.SummaryMaxTokens });
        var result = await _generator.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
        return (result.Text.Trim(), result.Usage);
    }
}
