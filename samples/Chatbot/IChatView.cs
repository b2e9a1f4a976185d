namespace Agents.Samples.Chatbot;

/// <summary>Where the conversation is shown: a styled terminal, or plain lines when stdin/stdout are redirected.</summary>
public interface IChatView
{
    void Welcome(string backend, string? model);

    void PromptForInput();

    void AnswerStarted();

    void AnswerText(string text);

    void AnswerFinished(TurnResult result);

    void AnswerCancelled();

    void Info(string text);

    void ShowError(string text);

    void Stats(ChatSession session);
}
