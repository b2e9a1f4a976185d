using System.Text.Json;

namespace Agents.Backends.OpenAI.Chat;

/// <summary>What the common stream chunk carries: the first choice's text, and the ids.</summary>
internal struct OpenAITextChunk
{
    public string? Text;
    public string? Id;
    public string? Model;
}

/// <summary>
/// The fast path for the chunk every stream is made of (<c>choices[0].delta.content</c>): one forward pass of a
/// <see cref="Utf8JsonReader"/> over the event's bytes, allocating only the strings it returns. Anything less
/// common — tool-call fragments, a finish reason, usage, errors, empty choices, malformed or oddly shaped JSON — is declined, and
/// <see cref="OpenAIStreamState"/> reads it the general way.
/// </summary>
internal static class OpenAITextChunkReader
{
    /// <summary>Reads <paramref name="data"/> if it has the common shape; reads the ids only when <paramref name="readIds"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, bool readIds, out OpenAITextChunk chunk)
    {
        chunk = default;
        try
        {
            var reader = new Utf8JsonReader(data);
            return TryReadRoot(ref reader, readIds, ref chunk);
        }
        catch (JsonException)
        {
            return false; // Malformed: the general path reports it with the body.
        }
        catch (InvalidOperationException)
        {
            return false; // A string that is not valid UTF-8: the general path decodes it leniently.
        }
    }

    private static bool TryReadRoot(ref Utf8JsonReader reader, bool readIds, ref OpenAITextChunk chunk)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var sawChoice = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                if (!TryReadChoices(ref reader, ref chunk))
                {
                    return false;
                }

                sawChoice = true;
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                // OpenAI sends "usage":null on every chunk but the last when usage is asked for.
                if (!ReadNull(ref reader))
                {
                    return false;
                }
            }
            else if (readIds && reader.ValueTextEquals("id"u8))
            {
                chunk.Id = ReadString(ref reader);
            }
            else if (readIds && reader.ValueTextEquals("model"u8))
            {
                chunk.Model = ReadString(ref reader);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        // Anything after the root object makes Read throw: the chunk is malformed.
        return sawChoice && !reader.Read();
    }

    private static bool TryReadChoices(ref Utf8JsonReader reader, ref OpenAITextChunk chunk)
    {
        // Only the first choice is read (n is always 1); no choice at all may mean an error object instead.
        if (reader.TokenType != JsonTokenType.StartArray || !reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                if (!TryReadDelta(ref reader, ref chunk))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("finish_reason"u8))
            {
                // It is null on every chunk but the last one, which the general path reads.
                if (!ReadNull(ref reader))
                {
                    return false;
                }
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            reader.Skip();
        }

        return true;
    }

    private static bool TryReadDelta(ref Utf8JsonReader reader, ref OpenAITextChunk chunk)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return true;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8))
            {
                chunk.Text = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("tool_calls"u8))
            {
                // Fragments go to the assembler on the general path.
                if (!ReadNull(ref reader))
                {
                    return false;
                }
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return true;
    }

    /// <summary>Moves from a property name past its value; returns the value if it is a string.</summary>
    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    /// <summary>Moves from a property name to its value; returns whether it is <c>null</c> (only then is the value passed).</summary>
    private static bool ReadNull(ref Utf8JsonReader reader) => reader.Read() && reader.TokenType == JsonTokenType.Null;

    /// <summary>Moves from a property name past its value.</summary>
    private static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }
}
