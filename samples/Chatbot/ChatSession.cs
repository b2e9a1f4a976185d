using System.Diagnostics;
using System.Text;

namespace Agents.Samples.Chatbot;

/// <summary>A conversation: the history, the system prompt, and the figures of the last answer.</summary>
public sealed partial class ChatSession(IGenerator generator, ChatbotOptions options)
{
    private readonly List<Message> _history = [];

    public string? SystemPrompt { get; set; } = options.SystemPrompt;

    public TurnResult? LastTurn { get; private set; }

    public int Turns { get; private set; }

    public Usage TotalUsage { get; private set; } = new();

    public void Reset()
    {
        _history.Clear();
        LastTurn = null;
    }

    /// <summary>Sends <paramref name="userText"/> with the history, streams the answer to <paramref name="onText"/>, and records it.</summary>
    /// <remarks>A cancelled answer is not added to the history, so the next question starts from a clean state.</remarks>
    public async Task<TurnResult> AskAsync(string userText, Action<string> onText, CancellationToken cancellationToken)
    {
        if (options.Tools)
        {
            return await AskWithToolsAsync(userText, onText, cancellationToken).ConfigureAwait(false);
        }

        var messages = new List<Message>();
        if (!string.IsNullOrWhiteSpace(SystemPrompt))
        {
            messages.Add(Message.System(SystemPrompt));
        }

        messages.AddRange(_history);
        messages.Add(Message.User(userText));

        var text = new StringBuilder();
        FinishReason? finish = null;
        Usage? usage = null;
        GenerationTimings? timings = null;
        string? modelId = null;
        TimeSpan? firstToken = null;
        var stopwatch = Stopwatch.StartNew();
        await foreach (var update in generator.StreamAsync(new GenerationRequest(messages, options.ToGenerationOptions()), cancellationToken))
        {
            if (update.Text.Length > 0)
            {
                firstToken ??= stopwatch.Elapsed;
                text.Append(update.Text);
                onText(update.Text);
            }

            finish = update.FinishReason ?? finish;
            usage = update.Usage ?? usage;
            timings = update.Timings ?? timings;
            modelId = update.ModelId ?? modelId;
        }

        var result = new TurnResult(
            text.ToString(), finish, usage ?? new Usage(), timings?.TimeToFirstToken ?? firstToken, timings?.Total ?? stopwatch.Elapsed, modelId);
        _history.Add(Message.User(userText));
        _history.Add(Message.Assistant(result.Text));
        LastTurn = result;
        Turns++;
        TotalUsage += result.Usage;
        return result;
    }
}
