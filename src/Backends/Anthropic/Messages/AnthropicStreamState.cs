using System.Text;
using System.Text.Json;
using Agents.Backends.Http;

namespace Agents.Backends.Anthropic.Messages;

/// <summary>
/// Follows one Messages stream: <c>message_start</c> (id, model, input usage), <c>content_block_start</c> /
/// <c>content_block_delta</c> (text, or tool input JSON fragments), <c>message_delta</c> (stop reason, output
/// usage) and <c>message_stop</c>.
/// </summary>
internal sealed class AnthropicStreamState(HttpBackendTransport transport, HttpResponseMessage response, GenerationClock clock) : IHttpStreamReader
{
    private readonly StreamingToolCallAssembler _tools = new();

    public string EndMarker => "message_stop";

    public bool Completed => Stopped;

    public string? ResponseId { get; private set; }

    public string? ModelId { get; private set; }

    public Usage? Usage { get; private set; }

    public FinishReason? FinishReason { get; private set; }

    public bool Stopped { get; private set; }

    public bool HasToolCalls => _tools.HasCalls;

    public IReadOnlyList<ToolCall> DrainToolCalls() => _tools.Drain();

    /// <summary>Reads one event: pings and empty events are skipped, error objects and <c>error</c> events throw the mapped exception.</summary>
    public GenerationUpdate? Read(string eventType, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty || eventType == "ping")
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(data);
        using var document = transport.ParseEvent(text, response);
        var root = document.RootElement;
        if (ProviderErrorBody.TryRead(root) is { } error)
        {
            throw transport.StreamError(error, text, response);
        }

        if (eventType == "error")
        {
            throw transport.StreamError(ProviderErrorBody.Unknown("an error event without an error object"), text, response);
        }

        var delta = Apply(eventType, root);
        if (string.IsNullOrEmpty(delta))
        {
            return null;
        }

        clock.MarkFirstToken();
        return new GenerationUpdate { Text = delta, ModelId = ModelId, ResponseId = ResponseId };
    }

    /// <summary>Applies one event; returns the text it carries, if any.</summary>
    public string? Apply(string eventType, JsonElement root)
    {
        switch (eventType)
        {
            case "message_start" when root.TryGetProperty("message", out var message):
                ResponseId = AnthropicResponseReader.GetString(message, "id");
                ModelId = AnthropicResponseReader.GetString(message, "model");
                if (message.TryGetProperty("usage", out var startUsage))
                {
                    Usage = AnthropicResponseReader.ReadUsage(startUsage, null);
                }

                return null;
            case "content_block_start" when root.TryGetProperty("content_block", out var block):
                if (AnthropicResponseReader.GetString(block, "type") == "tool_use")
                {
                    _tools.Append(Index(root), AnthropicResponseReader.GetString(block, "id"), AnthropicResponseReader.GetString(block, "name"), null);
                }

                return AnthropicResponseReader.GetString(block, "type") == "text" ? AnthropicResponseReader.GetString(block, "text") : null;
            case "content_block_delta" when root.TryGetProperty("delta", out var delta):
                switch (AnthropicResponseReader.GetString(delta, "type"))
                {
                    case "text_delta":
                        return AnthropicResponseReader.GetString(delta, "text");
                    case "input_json_delta":
                        _tools.Append(Index(root), null, null, AnthropicResponseReader.GetString(delta, "partial_json"));
                        return null;
                    default:
                        return null;
                }

            case "message_delta":
                if (root.TryGetProperty("delta", out var messageDelta))
                {
                    FinishReason = AnthropicResponseReader.MapStopReason(AnthropicResponseReader.GetString(messageDelta, "stop_reason")) ?? FinishReason;
                }

                if (root.TryGetProperty("usage", out var deltaUsage))
                {
                    Usage = AnthropicResponseReader.ReadUsage(deltaUsage, Usage);
                }

                return null;
            case "message_stop":
                Stopped = true;
                return null;
            default:
                return null;
        }
    }

    private static int Index(JsonElement root) => root.TryGetProperty("index", out var i) && i.TryGetInt32(out var n) ? n : 0;
}
