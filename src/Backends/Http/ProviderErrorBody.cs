using System.Text.Json;

namespace Agents.Backends.Http;

/// <summary>
/// The error object providers put in a failed response: OpenAI and the OpenAI-compatible servers send
/// <c>{"error":{"message","type","code","param"}}</c> (llama.cpp adds <c>n_prompt_tokens</c>/<c>n_ctx</c>),
/// Anthropic sends <c>{"type":"error","error":{"type","message"}}</c>; some servers send a bare string.
/// </summary>
internal sealed class ProviderErrorBody
{
    private ProviderErrorBody(string? type, string? code, string? message, string? parameter, JsonElement? error)
    {
        Type = type;
        Code = code;
        Message = message;
        Parameter = parameter;
        Error = error;
    }

    public string? Type { get; }

    public string? Code { get; }

    public string? Message { get; }

    public string? Parameter { get; }

    /// <summary>Gets the whole error object, for provider-specific fields.</summary>
    public JsonElement? Error { get; }

    /// <summary>An error of unknown type (a server-side failure), for error signals that carry no error object.</summary>
    public static ProviderErrorBody Unknown(string message) => new("api_error", null, message, null, null);

    public static ProviderErrorBody? TryParse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return TryRead(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static ProviderErrorBody? TryRead(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("error", out var error))
        {
            return null;
        }

        if (error.ValueKind == JsonValueKind.String)
        {
            return new(null, null, error.GetString(), null, null);
        }

        if (error.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return new(
            ReadText(error, "type"),
            ReadText(error, "code"),
            ReadText(error, "message"),
            ReadText(error, "param"),
            error.Clone());
    }

    public int? ReadInt(string name) =>
        Error is { } e && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    // "code" is a string at OpenAI and a number at llama.cpp; both are kept as text.
    private static string? ReadText(JsonElement obj, string name) => obj.TryGetProperty(name, out var v)
        ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        }
        : null;
}
