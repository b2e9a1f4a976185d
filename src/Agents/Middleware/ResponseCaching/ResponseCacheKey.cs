using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Agents;

/// <summary>
/// Computes the exact-match key of a request: SHA-256 over a canonical JSON of the messages, every option and the
/// model id. Two requests share a key only when a deterministic backend would answer them identically.
/// </summary>
internal static class ResponseCacheKey
{
    // Bump when the canonical form changes, so old entries are never read with a new meaning.
    private const string FormatVersion = "agents-response-cache-v1";

    public static string Compute(GenerationRequest request, string? modelId, string? providerName)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("v", FormatVersion);
            writer.WriteString("provider", providerName);
            writer.WriteString("model", modelId);
            writer.WriteStartArray("messages");
            foreach (var message in request.Messages)
            {
                WriteMessage(writer, message);
            }

            writer.WriteEndArray();
            WriteOptions(writer, request.Options ?? EmptyOptions);
            writer.WriteEndObject();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    private static readonly GenerationOptions EmptyOptions = new();

    private static void WriteMessage(Utf8JsonWriter writer, Message message)
    {
        writer.WriteStartObject();
        writer.WriteString("role", GenAiNames.ToWireName(message.Role));
        writer.WriteString("text", message.Text);
        writer.WriteString("name", message.Name);
        writer.WriteString("tool_call_id", message.ToolCallId);
        writer.WriteStartArray("tool_calls");
        foreach (var call in message.ToolCalls)
        {
            writer.WriteStartObject();
            writer.WriteString("id", call.Id);
            writer.WriteString("name", call.Name);
            writer.WriteString("arguments", call.ArgumentsJson);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteOptions(Utf8JsonWriter writer, GenerationOptions options)
    {
        writer.WriteStartObject("options");
        WriteNumber(writer, "max_tokens", options.MaxTokens);
        WriteNumber(writer, "temperature", options.Temperature);
        WriteNumber(writer, "top_k", options.TopK);
        WriteNumber(writer, "top_p", options.TopP);
        WriteNumber(writer, "min_p", options.MinP);
        WriteNumber(writer, "repetition_penalty", options.RepetitionPenalty);
        WriteNumber(writer, "frequency_penalty", options.FrequencyPenalty);
        WriteNumber(writer, "presence_penalty", options.PresencePenalty);
        WriteNumber(writer, "seed", options.Seed);
        writer.WriteStartArray("stop");
        foreach (var stop in options.StopSequences ?? [])
        {
            writer.WriteStringValue(stop);
        }

        writer.WriteEndArray();
        if (options.Decoding is { } decoding)
        {
            writer.WriteStartObject("decoding");
            writer.WriteString("kind", decoding.Kind.ToString());
            writer.WriteNumber("beam_width", decoding.BeamWidth);
            writer.WriteNumber("length_penalty", decoding.LengthPenalty);
            writer.WriteBoolean("return_all_beams", decoding.ReturnAllBeams);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("decoding");
        }

        if (options.ResponseFormat is { } format)
        {
            writer.WriteStartObject("response_format");
            writer.WriteString("kind", format.Kind.ToString());
            writer.WriteString("schema_name", format.SchemaName);
            writer.WriteString("schema", format.Schema?.GetRawText());
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("response_format");
        }

        writer.WriteStartArray("tools");
        foreach (var tool in options.Tools ?? [])
        {
            writer.WriteStartObject();
            writer.WriteString("name", tool.Name);
            writer.WriteString("description", tool.Description);
            writer.WriteString("parameters", tool.ParametersSchema.GetRawText());
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteBoolean(writer, "parallel_tool_calls", options.AllowParallelToolCalls);
        WriteBoolean(writer, "logprobs", options.IncludeLogProbabilities);

        // Only the tenant matters: the stable-prefix counts steer prefix caches but never change the answer.
        writer.WriteString("tenant", options.CacheHint?.TenantKey);
        writer.WriteString("model_option", options.ModelId);
        WriteAdditionalProperties(writer, options.AdditionalProperties);
        writer.WriteEndObject();
    }

    private static void WriteAdditionalProperties(Utf8JsonWriter writer, IDictionary<string, object?>? properties)
    {
        writer.WriteStartArray("additional");
        if (properties is not null)
        {
            foreach (var (key, value) in properties.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WriteStartArray();
                writer.WriteStringValue(key);
                writer.WriteStringValue(value?.GetType().FullName);
                WriteValue(writer, value);
                writer.WriteEndArray();
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case IFormattable formattable:
                writer.WriteStringValue(formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                writer.WriteStringValue(SerializeOrDescribe(value));
                break;
        }
    }

    private static string SerializeOrDescribe(object value)
    {
        try
        {
            return JsonSerializer.Serialize(value, value.GetType());
        }
        catch (NotSupportedException)
        {
            // A value JSON cannot express still keys by its text, so differing values rarely share a key.
            return value.ToString() ?? string.Empty;
        }
        catch (JsonException)
        {
            return value.ToString() ?? string.Empty;
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, float? value)
    {
        if (value is { } v)
        {
            // Round-trip formatting so 0.7f and 0.70000005f never collide.
            writer.WriteString(name, v.ToString("R", CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteBoolean(Utf8JsonWriter writer, string name, bool? value)
    {
        if (value is { } v)
        {
            writer.WriteBoolean(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
