using System.Text.Json;

namespace Agents.Backends.Anthropic.Messages;

/// <summary>One content block to send (text, tool_use or tool_result), before it is written as JSON.</summary>
internal sealed class AnthropicBlock
{
    private AnthropicBlock(string type)
    {
        Type = type;
    }

    public string Type { get; }

    public string? Text { get; private init; }

    public string? Id { get; private init; }

    public string? Name { get; private init; }

    public JsonElement? Input { get; private init; }

    /// <summary>Gets or sets a value indicating whether a <c>cache_control</c> breakpoint ends at this block.</summary>
    public bool CacheBreakpoint { get; set; }

    public static AnthropicBlock ForText(string text) => new("text") { Text = text };

    public static AnthropicBlock ForToolUse(string id, string name, JsonElement input) => new("tool_use") { Id = id, Name = name, Input = input };

    public static AnthropicBlock ForToolResult(string toolUseId, string content) => new("tool_result") { Id = toolUseId, Text = content };

    public void WriteTo(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("type", Type);
        switch (Type)
        {
            case "text":
                w.WriteString("text", Text);
                break;
            case "tool_use":
                w.WriteString("id", Id);
                w.WriteString("name", Name);
                w.WritePropertyName("input");
                Input!.Value.WriteTo(w);
                break;
            default:
                w.WriteString("tool_use_id", Id);
                w.WriteString("content", Text);
                break;
        }

        if (CacheBreakpoint)
        {
            WriteCacheControl(w);
        }

        w.WriteEndObject();
    }

    public static void WriteCacheControl(Utf8JsonWriter w)
    {
        w.WriteStartObject("cache_control");
        w.WriteString("type", "ephemeral");
        w.WriteEndObject();
    }
}
