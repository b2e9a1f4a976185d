using System.Text;
using System.Text.Json;
using Agents.Backends.Http;

namespace Agents.Backends.OpenAI.Chat;

/// <summary>
/// Follows one Chat Completions stream: text deltas, tool-call fragments, the finish reason, usage (sent last, with
/// <c>stream_options.include_usage</c>), error objects and the closing <c>[DONE]</c>. <see cref="Read"/> is the
/// SSE parser's item parser, so each event is read from the parser's own buffer.
/// </summary>
internal sealed class OpenAIStreamState(HttpBackendTransport transport, HttpResponseMessage response, GenerationClock clock, bool withLogProbabilities) : IHttpStreamReader
{
    public StreamingToolCallAssembler Tools { get; } = new();

    public string EndMarker => "[DONE]";

    /// <summary>Gets a value indicating whether <c>[DONE]</c> arrived; a stream that ends without it is cut off.</summary>
    public bool Completed { get; private set; }

    public FinishReason? FinishReason { get; private set; }

    public Usage? Usage { get; private set; }

    public string? ModelId { get; private set; }

    public string? ResponseId { get; private set; }

    /// <summary>Reads one event's data; returns the update it carries, if any.</summary>
    public GenerationUpdate? Read(string eventType, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return null;
        }

        if (data.SequenceEqual("[DONE]"u8))
        {
            Completed = true;
            return null;
        }

        // Log probabilities need the whole choice; they are rare enough to take the general path.
        if (withLogProbabilities || !OpenAITextChunkReader.TryRead(data, ResponseId is null || ModelId is null, out var chunk))
        {
            return ReadAny(Encoding.UTF8.GetString(data));
        }

        KeepIds(chunk.Id, chunk.Model);
        return string.IsNullOrEmpty(chunk.Text) ? null : TextUpdate(chunk.Text, logProbabilities: null);
    }

    public IReadOnlyList<ToolCall> DrainToolCalls() => Tools.Drain();

    // The first non-empty ids win: Azure's opening content-filter chunk has an empty id and model.
    private void KeepIds(string? id, string? model)
    {
        ResponseId ??= string.IsNullOrEmpty(id) ? null : id;
        ModelId ??= string.IsNullOrEmpty(model) ? null : model;
    }

    private GenerationUpdate TextUpdate(string text, IReadOnlyList<TokenLogProbability>? logProbabilities)
    {
        clock.MarkFirstToken();
        return new GenerationUpdate { Text = text, ModelId = ModelId, ResponseId = ResponseId, LogProbabilities = logProbabilities };
    }

    /// <summary>Reads any chunk, whatever its shape, through a <see cref="JsonDocument"/>.</summary>
    private GenerationUpdate? ReadAny(string data)
    {
        using var document = transport.ParseEvent(data, response);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (root.TryGetProperty("usage", out var usageElement))
        {
            Usage = OpenAIChatResponseReader.ReadUsageObject(usageElement) ?? Usage;
        }

        KeepIds(OpenAIChatResponseReader.GetString(root, "id"), OpenAIChatResponseReader.GetString(root, "model"));
        if (!root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
        {
            // Error objects come instead of choices (llama-server, vLLM, OpenAI mid-stream failures).
            return ProviderErrorBody.TryRead(root) is { } error ? throw transport.StreamError(error, data, response) : null;
        }

        var choice = choices[0];
        if (choice.TryGetProperty("finish_reason", out var finishElement) && finishElement.ValueKind == JsonValueKind.String)
        {
            FinishReason = OpenAIChatResponseReader.MapFinishReason(finishElement.GetString());
        }

        if (!choice.TryGetProperty("delta", out var delta) || delta.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            clock.MarkFirstToken();
            ReadToolCallDeltas(calls);
        }

        var text = delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String ? content.GetString() : null;
        return string.IsNullOrEmpty(text)
            ? null
            : TextUpdate(text, withLogProbabilities ? OpenAIChatResponseReader.ReadLogProbabilities(choice) : null);
    }

    private void ReadToolCallDeltas(JsonElement calls)
    {
        foreach (var call in calls.EnumerateArray())
        {
            var index = call.TryGetProperty("index", out var i) && i.TryGetInt32(out var n) ? n : 0;
            string? name = null;
            string? arguments = null;
            if (call.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
            {
                name = OpenAIChatResponseReader.GetString(function, "name");
                arguments = OpenAIChatResponseReader.GetString(function, "arguments");
            }

            Tools.Append(index, OpenAIChatResponseReader.GetString(call, "id"), name, arguments);
        }
    }
}
