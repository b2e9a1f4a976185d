using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Agents.Backends.Http;

namespace Agents.Backends.OpenAI.Chat;

/// <summary>
/// Writes the Chat Completions request body. Every <see cref="GenerationOptions"/> member is either sent or
/// recorded in <see cref="IgnoredOptions"/>; beam search wider than 1 is refused.
/// </summary>
internal static class OpenAIChatRequestWriter
{
    public static byte[] Write(GenerationRequest request, string model, bool stream, OpenAIGeneratorOptions settings, IgnoredOptions ignored)
    {
        var options = request.Options;
        var decoding = options?.GetEffectiveDecoding();
        if (decoding is { Kind: DecodingKind.Beam, BeamWidth: > 1 })
        {
            throw new InvalidRequestException("Beam search is not supported by hosted backends (OpenAI-compatible); use a beam width of 1 or the local backend.")
            {
                Provider = OpenAIGenerator.ProviderName,
                Parameter = nameof(GenerationOptions.Decoding),
            };
        }

        return JsonBody.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("model", model);
            WriteMessages(w, request.Messages);
            if (stream)
            {
                w.WriteBoolean("stream", true);
                w.WriteStartObject("stream_options");
                w.WriteBoolean("include_usage", true);
                w.WriteEndObject();
            }

            if (options is not null)
            {
                WriteOptions(w, request, options, decoding!, settings, ignored);
            }

            w.WriteEndObject();
        });
    }

    private static void WriteOptions(Utf8JsonWriter w, GenerationRequest request, GenerationOptions options, DecodingStrategy decoding, OpenAIGeneratorOptions settings, IgnoredOptions ignored)
    {
        if (options.MaxTokens is { } max)
        {
            w.WriteNumber(settings.UseMaxCompletionTokens ? "max_completion_tokens" : "max_tokens", max);
        }

        // Greedy asked for explicitly (no temperature given) is temperature 0 on these servers.
        if (options.Temperature is { } temperature)
        {
            w.WriteNumber("temperature", temperature);
        }
        else if (decoding.Kind is DecodingKind.Greedy or DecodingKind.Beam && options.Decoding is not null)
        {
            w.WriteNumber("temperature", 0);
        }

        if (options.TopP is { } topP)
        {
            w.WriteNumber("top_p", topP);
        }

        if (options.FrequencyPenalty is { } frequency)
        {
            w.WriteNumber("frequency_penalty", frequency);
        }

        if (options.PresencePenalty is { } presence)
        {
            w.WriteNumber("presence_penalty", presence);
        }

        if (options.Seed is { } seed)
        {
            w.WriteNumber("seed", seed);
        }

        WriteExtendedSampling(w, options, settings, ignored);

        if (options.StopSequences is { Count: > 0 } stops)
        {
            w.WriteStartArray("stop");
            foreach (var stop in stops)
            {
                w.WriteStringValue(stop);
            }

            w.WriteEndArray();
        }

        WriteResponseFormat(w, options.ResponseFormat);
        WriteTools(w, options);

        if (options.IncludeLogProbabilities is true)
        {
            w.WriteBoolean("logprobs", true);
        }

        if (settings.SendPromptCacheKey && PromptCacheKey(request, options.CacheHint) is { } cacheKey)
        {
            w.WriteString("prompt_cache_key", cacheKey);
        }
    }

    private static void WriteExtendedSampling(Utf8JsonWriter w, GenerationOptions options, OpenAIGeneratorOptions settings, IgnoredOptions ignored)
    {
        if (options.TopK is { } topK)
        {
            if (settings.SendExtendedSamplingParameters)
            {
                w.WriteNumber("top_k", topK);
            }
            else
            {
                ignored.Add(nameof(GenerationOptions.TopK));
            }
        }

        if (options.MinP is { } minP)
        {
            if (settings.SendExtendedSamplingParameters)
            {
                w.WriteNumber("min_p", minP);
            }
            else
            {
                ignored.Add(nameof(GenerationOptions.MinP));
            }
        }

        if (options.RepetitionPenalty is { } repetition)
        {
            if (settings.SendExtendedSamplingParameters)
            {
                w.WriteNumber("repetition_penalty", repetition);
            }
            else
            {
                ignored.Add(nameof(GenerationOptions.RepetitionPenalty));
            }
        }
    }

    private static void WriteResponseFormat(Utf8JsonWriter w, ResponseFormat? format)
    {
        switch (format?.Kind)
        {
            case ResponseFormatKind.Json:
                w.WriteStartObject("response_format");
                w.WriteString("type", "json_object");
                w.WriteEndObject();
                break;
            case ResponseFormatKind.JsonSchema:
                w.WriteStartObject("response_format");
                w.WriteString("type", "json_schema");
                w.WriteStartObject("json_schema");
                w.WriteString("name", format.SchemaName ?? "response");
                w.WritePropertyName("schema");
                format.Schema!.Value.WriteTo(w);
                w.WriteEndObject();
                w.WriteEndObject();
                break;
            default:
                break;
        }
    }

    private static void WriteTools(Utf8JsonWriter w, GenerationOptions options)
    {
        if (options.Tools is not { Count: > 0 } tools)
        {
            // Chat Completions refuses a tool_choice without tools; "auto" and "none" hold trivially, so they are dropped.
            ToolChoiceCheck.RequireNoCallWithoutTools(options.ToolChoice, OpenAIGenerator.ProviderName);
            return;
        }

        w.WriteStartArray("tools");
        foreach (var tool in tools)
        {
            w.WriteStartObject();
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            w.WriteString("name", tool.Name);
            if (tool.Description is not null)
            {
                w.WriteString("description", tool.Description);
            }

            w.WritePropertyName("parameters");
            tool.ParametersSchema.WriteTo(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteToolChoice(w, options.ToolChoice, tools);
        if (options.AllowParallelToolCalls is { } parallel)
        {
            w.WriteBoolean("parallel_tool_calls", parallel);
        }
    }

    /// <summary>Writes <c>tool_choice</c>: <c>"auto"</c>, <c>"none"</c>, <c>"required"</c>, or a named function.</summary>
    private static void WriteToolChoice(Utf8JsonWriter w, ToolChoice? choice, IList<ToolDefinition> tools)
    {
        switch (choice)
        {
            case null:
                return;
            case { Mode: ToolChoiceMode.Required, FunctionName: { } name }:
                ToolChoiceCheck.RequireOffered(name, tools, OpenAIGenerator.ProviderName);
                w.WriteStartObject("tool_choice");
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", name);
                w.WriteEndObject();
                w.WriteEndObject();
                return;
            default:
                w.WriteString("tool_choice", choice.Mode switch
                {
                    ToolChoiceMode.None => "none",
                    ToolChoiceMode.Required => "required",
                    _ => "auto",
                });
                return;
        }
    }

    private static void WriteMessages(Utf8JsonWriter w, IList<Message> messages)
    {
        w.WriteStartArray("messages");
        foreach (var message in messages)
        {
            w.WriteStartObject();
            switch (message.Role)
            {
                case MessageRole.System:
                    w.WriteString("role", "system");
                    w.WriteString("content", message.Text);
                    break;
                case MessageRole.User:
                    w.WriteString("role", "user");
                    w.WriteString("content", message.Text);
                    break;
                case MessageRole.Assistant:
                    w.WriteString("role", "assistant");
                    WriteAssistant(w, message);
                    break;
                case MessageRole.Tool:
                    w.WriteString("role", "tool");
                    w.WriteString("tool_call_id", message.ToolCallId);
                    w.WriteString("content", message.Text);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(messages), message.Role, "Unknown message role.");
            }

            if (message.Name is { Length: > 0 } name && message.Role is not MessageRole.Tool)
            {
                w.WriteString("name", name);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteAssistant(Utf8JsonWriter w, Message message)
    {
        if (message.ToolCalls.Count == 0)
        {
            w.WriteString("content", message.Text);
            return;
        }

        if (message.Text.Length > 0)
        {
            w.WriteString("content", message.Text);
        }
        else
        {
            w.WriteNull("content");
        }

        w.WriteStartArray("tool_calls");
        foreach (var call in message.ToolCalls)
        {
            w.WriteStartObject();
            w.WriteString("id", call.Id);
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            w.WriteString("name", call.Name);
            w.WriteString("arguments", call.ArgumentsJson);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>
    /// The <c>prompt_cache_key</c>: the tenant key (so tenants never share a cache route) and, when a stable
    /// prefix is marked, a short hash of it (so requests sharing that prefix land on the same cache).
    /// </summary>
    internal static string? PromptCacheKey(GenerationRequest request, CacheHint? hint)
    {
        if (hint is null)
        {
            return null;
        }

        var prefixCount = Math.Min(hint.StablePrefixMessageCount, request.Messages.Count);
        string? prefixHash = null;
        if (prefixCount > 0)
        {
            var text = new StringBuilder();
            for (var i = 0; i < prefixCount; i++)
            {
                var m = request.Messages[i];
                text.Append((int)m.Role).Append('\u001f').Append(m.Text).Append('\u001e');
            }

            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
            prefixHash = Convert.ToHexStringLower(hash.AsSpan(0, 8));
        }

        return (hint.TenantKey, prefixHash) switch
        {
            ({ Length: > 0 } tenant, { } prefix) => $"{tenant}:{prefix}",
            ({ Length: > 0 } tenant, null) => tenant,
            (_, { } prefix) => prefix,
            _ => null,
        };
    }
}
