using System.Text.Json;

namespace Agents.Backends.OpenAI.Chat;

/// <summary>Reads the pieces shared by a Chat Completions response and its stream chunks.</summary>
internal static class OpenAIChatResponseReader
{
    public static GenerationResult ReadCompletion(JsonElement root)
    {
        var text = string.Empty;
        IReadOnlyList<ToolCall> toolCalls = [];
        FinishReason? finish = null;
        IReadOnlyList<TokenLogProbability>? logProbabilities = null;
        if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
        {
            var choice = choices[0];
            finish = ReadFinishReason(choice);
            logProbabilities = ReadLogProbabilities(choice);
            if (choice.TryGetProperty("message", out var message))
            {
                text = GetString(message, "content") ?? string.Empty;
                toolCalls = ReadToolCalls(message);
            }
        }

        return new GenerationResult(Message.Assistant(text) with { ToolCalls = toolCalls })
        {
            FinishReason = finish,
            Usage = ReadUsage(root),
            ModelId = GetString(root, "model"),
            ResponseId = GetString(root, "id"),
            LogProbabilities = logProbabilities,
        };
    }

    public static FinishReason? ReadFinishReason(JsonElement choice) => MapFinishReason(GetString(choice, "finish_reason"));

    public static FinishReason? MapFinishReason(string? reason) => reason switch
    {
        null => null,
        "length" => FinishReason.Length,
        "tool_calls" or "function_call" => FinishReason.ToolCalls,
        "content_filter" => FinishReason.ContentFilter,
        _ => FinishReason.Stop,
    };

    public static Usage? ReadUsage(JsonElement root) =>
        root.TryGetProperty("usage", out var usage) ? ReadUsageObject(usage) : null;

    public static Usage? ReadUsageObject(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var cached = usage.TryGetProperty("prompt_tokens_details", out var details) && details.ValueKind == JsonValueKind.Object
            ? GetInt(details, "cached_tokens")
            : 0;
        return new Usage
        {
            PromptTokens = GetInt(usage, "prompt_tokens"),
            CompletionTokens = GetInt(usage, "completion_tokens"),
            CachedPromptTokens = cached,
        };
    }

    public static IReadOnlyList<TokenLogProbability>? ReadLogProbabilities(JsonElement choice)
    {
        if (!choice.TryGetProperty("logprobs", out var logprobs) || logprobs.ValueKind != JsonValueKind.Object
            || !logprobs.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var list = new List<TokenLogProbability>(content.GetArrayLength());
        foreach (var item in content.EnumerateArray())
        {
            if (item.TryGetProperty("logprob", out var lp) && lp.TryGetDouble(out var value))
            {
                list.Add(new TokenLogProbability(GetString(item, "token") ?? string.Empty, value));
            }
        }

        return list;
    }

    public static string? GetString(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static int GetInt(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : 0;

    private static ToolCall[] ReadToolCalls(JsonElement message)
    {
        if (!message.TryGetProperty("tool_calls", out var calls) || calls.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var list = new List<ToolCall>();
        foreach (var call in calls.EnumerateArray())
        {
            if (!call.TryGetProperty("function", out var function))
            {
                continue;
            }

            list.Add(new ToolCall(
                GetString(call, "id") ?? $"call_{list.Count}",
                GetString(function, "name") ?? string.Empty,
                GetString(function, "arguments") is { Length: > 0 } args ? args : "{}"));
        }

        return [.. list];
    }
}
