namespace Agents.Samples.Chatbot;

/// <summary>Plain text, for pipes and files: answers are lines on stdout, notices go to stderr.</summary>
public sealed class PlainChatView(TextWriter output, TextWriter error) : IChatView
{
    public void Welcome(string backend, string? model)
    {
    }

    public void PromptForInput()
    {
    }

    public void AnswerStarted()
    {
    }

    public void AnswerText(string text)
    {
        output.Write(text);
        output.Flush();
    }

    public void AnswerFinished(TurnResult result) => output.WriteLine();

    public void AnswerCancelled()
    {
        output.WriteLine();
        error.WriteLine("(answer cancelled)");
    }

    public void Info(string text) => error.WriteLine(text);

    public void ShowError(string text) => error.WriteLine("error: " + text);

    public void Stats(ChatSession session)
    {
        foreach (var (label, value) in StatsFormatter.Rows(session))
        {
            output.WriteLine($"{label}: {value}");
        }
    }
}
