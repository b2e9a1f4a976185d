using Agents.Backends.Llama.Chat;
using Agents.Backends.Llama.Tokenization;
using LLama.Native;

namespace Agents.Backends.Llama.Generation;

/// <summary>Formats a conversation, tokenizes it, and fits it into the context window (or refuses it) before any decoding.</summary>
internal sealed class PromptBuilder(IChatPromptFormatter? formatter, LlamaTokenizer tokenizer, int contextWindow, ContextOverflowPolicy policy)
{
    private readonly ChatPromptTokenizer? _chatTokenizer = formatter is null ? null : new ChatPromptTokenizer(formatter, tokenizer);

    /// <summary>Formats and tokenizes <paramref name="messages"/> as <see cref="Build"/> does, without any window check.</summary>
    /// <param name="messages">The conversation.</param>
    /// <returns>The tokens, or <see langword="null"/> when the model has no chat template.</returns>
    public LLamaToken[]? Tokenize(IReadOnlyList<Message> messages) => _chatTokenizer?.Tokenize(messages);

    /// <summary>Builds the prompt tokens of <paramref name="messages"/> and the completion budget.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="maxTokens">The completion tokens asked for, or <see langword="null"/> for whatever the window leaves.</param>
    /// <returns>The prompt's tokens and the most tokens the completion may have.</returns>
    /// <exception cref="InvalidRequestException">The model has no chat template and no fallback is configured.</exception>
    /// <exception cref="ContextWindowExceededException">
    /// The prompt plus <paramref name="maxTokens"/> does not fit, even after truncation when configured (a
    /// <paramref name="maxTokens"/> up to <see cref="int.MaxValue"/> is compared without overflow).
    /// </exception>
    public (LLamaToken[] Prompt, int MaxCompletionTokens) Build(IList<Message> messages, int? maxTokens)
    {
        if (formatter is null)
        {
            throw new InvalidRequestException(
                "The model has no chat template in its metadata and no fallback is configured: set ChatTemplateFallback (LlamaModelOptions.Load.ChatTemplateFallback) "
                + $"to one of {string.Join(", ", LlamaChatFormats.Names)}.")
            {
                Provider = LlamaGenerator.ProviderName,
                Parameter = nameof(LlamaLoadOptions.ChatTemplateFallback),
            };
        }

        var conversation = messages.ToList();
        while (true)
        {
            // Message text tokenizes as plain text: only the template's markers become special tokens.
            var prompt = _chatTokenizer!.Tokenize(conversation);
            if (prompt.Length == 0)
            {
                throw new InvalidRequestException("The conversation formats to an empty prompt.") { Provider = LlamaGenerator.ProviderName };
            }

            // In long arithmetic: MaxTokens near int.MaxValue must not wrap around and pass the check.
            if ((long)prompt.Length + (maxTokens ?? 1) <= contextWindow)
            {
                return (prompt, maxTokens ?? contextWindow - prompt.Length);
            }

            var oldest = policy == ContextOverflowPolicy.DropOldestTurns ? OldestDroppable(conversation) : -1;
            if (oldest < 0)
            {
                throw new ContextWindowExceededException(prompt.Length, contextWindow, maxTokens) { Provider = LlamaGenerator.ProviderName };
            }

            conversation.RemoveAt(oldest);
        }
    }

    // System messages and the last message (the one being answered) are never dropped.
    private static int OldestDroppable(List<Message> conversation)
    {
        for (var i = 0; i < conversation.Count - 1; i++)
        {
            if (conversation[i].Role != MessageRole.System)
            {
                return i;
            }
        }

        return -1;
    }
}
