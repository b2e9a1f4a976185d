namespace Agents;

/// <summary>The prompt, plus the tokens asked for, does not fit the model's context window.</summary>
public sealed class ContextWindowExceededException : GeneratorException
{
    /// <summary>Creates the exception.</summary>
    public ContextWindowExceededException()
        : this(0, 0)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ContextWindowExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The failure behind it.</param>
    public ContextWindowExceededException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from the numbers that did not fit.</summary>
    /// <param name="promptTokens">The prompt's length in tokens.</param>
    /// <param name="contextWindow">The context window in tokens.</param>
    /// <param name="requestedCompletionTokens">The completion tokens asked for (MaxTokens), when known.</param>
    /// <param name="innerException">The failure behind it.</param>
    public ContextWindowExceededException(int promptTokens, int contextWindow, int? requestedCompletionTokens = null, Exception? innerException = null)
        : base(FormatMessage(promptTokens, contextWindow, requestedCompletionTokens), innerException)
    {
        PromptTokens = promptTokens;
        ContextWindow = contextWindow;
        RequestedCompletionTokens = requestedCompletionTokens;
    }

    /// <summary>Gets the prompt's length in tokens.</summary>
    public int PromptTokens { get; }

    /// <summary>Gets the context window (the limit) in tokens.</summary>
    public int ContextWindow { get; }

    /// <summary>Gets the completion tokens that were asked for, when known.</summary>
    public int? RequestedCompletionTokens { get; }

    private static string FormatMessage(int promptTokens, int contextWindow, int? requested) => requested is { } max
        ? $"The prompt has {promptTokens} tokens and {max} more were requested, {(long)promptTokens + max} in all, over the context window of {contextWindow} tokens."
        : $"The prompt has {promptTokens} tokens, over the context window of {contextWindow} tokens.";
}
