using System.Text;
using System.Text.Json;

namespace Agents.Backends.Anthropic.Messages;

/// <summary>Reads Messages API responses and the pieces stream events share with them.</summary>
internal static class AnthropicResponseReader
{
    public static GenerationResult ReadMessage(JsonElement root)
    {
        var text = new StringBuilder();
        var calls = new List<ToolCall>();
        if (root.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
        {
            foreach (var block in content.EnumerateArray())
            {
                switch (GetString(block, "type"))
                {
                    case "text":
                        text.Append(GetString(block, "text"));
                        break;
                    case "tool_use":
                        calls.Add(new ToolCall(
                            GetString(block, "id") ?? $"toolu_{calls.Count}",
                            GetString(block, "name") ?? string.Empty,
                            block.TryGetProperty("input", out var input) ? input.GetRawText() : "{}"));
                        break;
                    default:
                        break;
                }
            }
        }

        return new GenerationResult(Message.Assistant(text.ToString()) with { ToolCalls = calls })
        {
            FinishReason = MapStopReason(GetString(root, "stop_reason")),
            Usage = root.TryGetProperty("usage", out var usage) ? ReadUsage(usage, null) : null,
            ModelId = GetString(root, "model"),
            ResponseId = GetString(root, "id"),
        };
    }

    public static FinishReason? MapStopReason(string? reason) => reason switch
    {
        null => null,
        "max_tokens" or "model_context_window_exceeded" => FinishReason.Length,
        "stop_sequence" => FinishReason.StopSequence,
        "tool_use" => FinishReason.ToolCalls,
        "refusal" => FinishReason.ContentFilter,
        _ => FinishReason.Stop,
    };

    /// <summary>
    /// Reads a usage object. Anthropic's <c>input_tokens</c> excludes cached tokens, so the prompt total adds the
    /// cache reads and writes. In a stream, <c>message_delta</c> usage updates only some fields: <paramref name="previous"/> fills the rest.
    /// </summary>
    public static Usage ReadUsage(JsonElement usage, Usage? previous)
    {
        var read = GetInt(usage, "cache_read_input_tokens") ?? previous?.CachedPromptTokens ?? 0;
        var written = GetInt(usage, "cache_creation_input_tokens") ?? previous?.CacheWritePromptTokens ?? 0;
        var input = GetInt(usage, "input_tokens") is { } uncached
            ? uncached + read + written
            : previous?.PromptTokens ?? read + written;
        return new Usage
        {
            PromptTokens = input,
            CompletionTokens = GetInt(usage, "output_tokens") ?? previous?.CompletionTokens ?? 0,
            CachedPromptTokens = read,
            CacheWritePromptTokens = written,
        };
    }

    public static string? GetString(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static int? GetInt(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;
}
