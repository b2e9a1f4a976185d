namespace Agents.Orchestration;

/// <summary>Counts the tokens of messages with a real tokenizer when there is one, else estimates them.</summary>
internal sealed class TokenCounter(ITokenizer? tokenizer)
{
    // Role markers, separators and the like that a chat template adds around every message.
    private const int PerMessageOverhead = 4;

    public bool IsEstimate => tokenizer is null;

    public int Count(Message message)
    {
        var text = message.Text;
        var tokens = tokenizer?.CountTokens(text) ?? Estimate(text);
        foreach (var call in message.ToolCalls)
        {
            tokens += (tokenizer?.CountTokens(call.Name + call.ArgumentsJson) ?? Estimate(call.Name) + Estimate(call.ArgumentsJson)) + PerMessageOverhead;
        }

        return tokens + PerMessageOverhead;
    }

    public int Count(IEnumerable<Message> messages) => messages.Sum(Count);

    /// <summary>One token per four characters, rounded up: close for English with BPE tokenizers, and cheap.</summary>
    public static int Estimate(string text) => (text.Length + 3) / 4;
}
