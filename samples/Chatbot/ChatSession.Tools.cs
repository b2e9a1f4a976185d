using System.Diagnostics;
using System.Text;
using Agents.Orchestration;

namespace Agents.Samples.Chatbot;

/// <summary>The <c>--tools</c> half of a conversation: each question is answered by an <see cref="Agent"/> with the demo tools.</summary>
public sealed partial class ChatSession
{
    private const int ToolNoticeLength = 160;
    private IReadOnlyList<AgentTool>? _tools;

    /// <summary>Where tool calls and results are reported (stderr or the styled view); <see langword="null"/> for nowhere.</summary>
    public Action<string>? OnToolActivity { get; set; }

    private async Task<TurnResult> AskWithToolsAsync(string userText, Action<string> onText, CancellationToken cancellationToken)
    {
        _tools ??= await DemoTools.CreateAsync(options.StorePath, cancellationToken).ConfigureAwait(false);
        var agentOptions = new AgentOptions
        {
            Name = "chatbot",
            Instructions = SystemPrompt,
            GenerationOptions = options.ToGenerationOptions(),
            MaxSteps = 8,
        };
        foreach (var tool in _tools)
        {
            agentOptions.Tools.Add(tool);
        }

        var agent = new Agent(generator, agentOptions);
        var stopwatch = Stopwatch.StartNew();
        TimeSpan? firstToken = null;
        AgentRunResult? result = null;
        var answer = new StringBuilder();
        await foreach (var step in agent.RunStreamingAsync([.. _history, Message.User(userText)], cancellationToken).ConfigureAwait(false))
        {
            switch (step)
            {
                case AgentTextEvent text:
                    firstToken ??= stopwatch.Elapsed;
                    answer.Append(text.Text);
                    onText(text.Text);
                    break;
                case ToolCallRequestedEvent call:
                    OnToolActivity?.Invoke($"[tool] {call.Call.Name} {Shorten(call.Call.ArgumentsJson)}");
                    break;
                case ToolResultEvent done:
                    OnToolActivity?.Invoke($"[tool] {done.Call.Name} → {(done.Status == ToolCallStatus.Succeeded ? string.Empty : done.Status + ": ")}{Shorten(done.Result)}");
                    break;
                case AgentFinalAnswerEvent final:
                    result = final.Result;
                    break;
            }
        }

        var turn = new TurnResult(result!.Text, FinishReason.Stop, result.Usage, firstToken, stopwatch.Elapsed, null);

        // The history keeps the tool calls and results, so later turns can refer to what the tools found.
        _history.Clear();
        _history.AddRange(result.Messages);
        LastTurn = turn;
        Turns++;
        TotalUsage += turn.Usage;
        return turn;
    }

    private static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= ToolNoticeLength ? line : line[..ToolNoticeLength] + "…";
    }
}
