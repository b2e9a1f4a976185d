namespace Agents;

/// <summary>Who speaks a <see cref="Message"/>.</summary>
public enum MessageRole
{
    /// <summary>Instructions that frame the whole conversation.</summary>
    System,

    /// <summary>The person (or program) asking.</summary>
    User,

    /// <summary>The model's replies, including the tool calls it made.</summary>
    Assistant,

    /// <summary>The result of a tool call, answering an assistant's <see cref="ToolCall"/>.</summary>
    Tool,
}
