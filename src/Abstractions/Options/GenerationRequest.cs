namespace Agents;

/// <summary>What to generate from: a conversation and the options that shape decoding.</summary>
public sealed class GenerationRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="messages">The conversation so far, oldest first.</param>
    /// <param name="options">Options, or <see langword="null"/> for the generator's defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    public GenerationRequest(IEnumerable<Message> messages, GenerationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        Messages = [.. messages];
        Options = options;
    }

    /// <summary>Gets the conversation, oldest first.</summary>
    public IList<Message> Messages { get; }

    /// <summary>Gets or sets the options that shape decoding.</summary>
    public GenerationOptions? Options { get; set; }

    /// <summary>Creates a copy with its own message list and its own options, safe for middleware to change.</summary>
    /// <returns>The copy.</returns>
    public GenerationRequest Clone() => new(Messages, Options?.Clone());

    /// <summary>Creates a user-message request.</summary>
    /// <param name="prompt">The user's message.</param>
    /// <param name="options">Options, or <see langword="null"/>.</param>
    /// <returns>The request.</returns>
    public static GenerationRequest FromPrompt(string prompt, GenerationOptions? options = null) =>
        new([Message.User(prompt)], options);
}
