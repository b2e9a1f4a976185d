using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Agents;

/// <summary>
/// Writes messages as the JSON of the GenAI semantic conventions' <c>gen_ai.input.messages</c> and
/// <c>gen_ai.output.messages</c>: <c>[{"role":…,"parts":[{"type":"text","content":…}, …]}]</c>.
/// </summary>
internal static class GenAiMessageFormatter
{
    public static string FormatInput(IEnumerable<Message> messages)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var message in messages)
            {
                WriteMessage(writer, message, finishReason: null);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string FormatOutput(Message message, FinishReason? finishReason)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            WriteMessage(writer, message, finishReason);
            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteMessage(Utf8JsonWriter writer, Message message, FinishReason? finishReason)
    {
        writer.WriteStartObject();
        writer.WriteString("role", GenAiNames.ToWireName(message.Role));
        writer.WriteStartArray("parts");
        if (message.Role == MessageRole.Tool)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "tool_call_response");
            writer.WriteString("id", message.ToolCallId);
            writer.WriteString("response", message.Text);
            writer.WriteEndObject();
        }
        else if (message.Text.Length > 0)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "text");
            writer.WriteString("content", message.Text);
            writer.WriteEndObject();
        }

        foreach (var call in message.ToolCalls)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "tool_call");
            writer.WriteString("id", call.Id);
            writer.WriteString("name", call.Name);
            writer.WriteString("arguments", call.ArgumentsJson);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (message.Name is { } name)
        {
            writer.WriteString("name", name);
        }

        if (finishReason is { } reason)
        {
            writer.WriteString("finish_reason", GenAiNames.ToWireName(reason));
        }

        writer.WriteEndObject();
    }
}
