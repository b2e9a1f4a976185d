namespace Agents.Backends.Llama.Chat;

/// <summary>Turns a conversation into the prompt text a model was trained on, ending with the start of the assistant's turn.</summary>
internal interface IChatPromptFormatter
{
    /// <summary>Gets the formatter's name, for logs and errors.</summary>
    string Name { get; }

    /// <summary>Formats <paramref name="messages"/>; the text is tokenized with special tokens parsed and the model's BOS added.</summary>
    /// <param name="messages">The conversation, oldest first.</param>
    /// <returns>The prompt text.</returns>
    string Format(IReadOnlyList<Message> messages);
}
