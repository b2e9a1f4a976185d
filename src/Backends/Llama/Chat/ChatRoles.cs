namespace Agents.Backends.Llama.Chat;

/// <summary>The role names chat templates use.</summary>
internal static class ChatRoles
{
    public static string Of(MessageRole role) => role switch
    {
        MessageRole.System => "system",
        MessageRole.User => "user",
        MessageRole.Assistant => "assistant",
        MessageRole.Tool => "tool",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown message role."),
    };
}
