namespace Agents;

/// <summary>One turn of a conversation: a role, its text, and the tool calls or tool result it carries.</summary>
/// <remarks>Messages are immutable; build a new one with a <see langword="with"/> expression to change it.</remarks>
public sealed record Message
{
    /// <summary>Creates a message.</summary>
    /// <param name="role">Who speaks.</param>
    /// <param name="text">What is said; <see langword="null"/> is read as empty.</param>
    public Message(MessageRole role, string? text)
    {
        Role = role;
        Text = text ?? string.Empty;
    }

    /// <summary>Gets who speaks.</summary>
    public MessageRole Role { get; init; }

    /// <summary>Gets what is said.</summary>
    /// <value>Never <see langword="null"/>; empty for an assistant turn that only calls tools.</value>
    public string Text { get; init; }

    /// <summary>Gets an optional name of the speaker (a participant's name, or the tool's name for a tool result).</summary>
    public string? Name { get; init; }

    /// <summary>Gets the tool calls an assistant message makes.</summary>
    /// <value>Empty unless <see cref="Role"/> is <see cref="MessageRole.Assistant"/> and the model called tools.</value>
    public IReadOnlyList<ToolCall> ToolCalls { get; init; } = [];

    /// <summary>Gets the id of the tool call a <see cref="MessageRole.Tool"/> message answers.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>Creates a system message.</summary>
    /// <param name="text">The instructions.</param>
    /// <returns>The message.</returns>
    public static Message System(string text) => new(MessageRole.System, text);

    /// <summary>Creates a user message.</summary>
    /// <param name="text">The user's words.</param>
    /// <returns>The message.</returns>
    public static Message User(string text) => new(MessageRole.User, text);

    /// <summary>Creates an assistant message.</summary>
    /// <param name="text">The model's words.</param>
    /// <returns>The message.</returns>
    public static Message Assistant(string text) => new(MessageRole.Assistant, text);

    /// <summary>Creates a tool-result message answering the tool call <paramref name="toolCallId"/>.</summary>
    /// <param name="toolCallId">The <see cref="ToolCall.Id"/> this result answers.</param>
    /// <param name="result">The tool's output, usually JSON.</param>
    /// <param name="toolName">The name of the tool, which some providers want repeated.</param>
    /// <returns>The message.</returns>
    /// <exception cref="ArgumentException"><paramref name="toolCallId"/> is null or empty.</exception>
    public static Message ToolResult(string toolCallId, string result, string? toolName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(toolCallId);
        return new(MessageRole.Tool, result) { ToolCallId = toolCallId, Name = toolName };
    }

    /// <inheritdoc/>
    public bool Equals(Message? other) =>
        other is not null
        && Role == other.Role
        && string.Equals(Text, other.Text, StringComparison.Ordinal)
        && string.Equals(Name, other.Name, StringComparison.Ordinal)
        && string.Equals(ToolCallId, other.ToolCallId, StringComparison.Ordinal)
        && ToolCalls.SequenceEqual(other.ToolCalls);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Role, Text, Name, ToolCallId, ToolCalls.Count);
}
