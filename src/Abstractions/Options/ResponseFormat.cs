using System.Text.Json;

namespace Agents;

/// <summary>What shape the response takes.</summary>
public enum ResponseFormatKind
{
    /// <summary>Free text.</summary>
    Text,

    /// <summary>Any well-formed JSON value.</summary>
    Json,

    /// <summary>JSON that conforms to <see cref="ResponseFormat.Schema"/>.</summary>
    JsonSchema,
}

/// <summary>The shape a response must take: free text, any JSON, or JSON that conforms to a schema.</summary>
/// <remarks>
/// Local backends enforce JSON shapes with a grammar during decoding; hosted providers receive the schema in
/// their structured-output parameter.
/// </remarks>
public sealed record ResponseFormat
{
    private ResponseFormat(ResponseFormatKind kind, JsonElement? schema, string? schemaName)
    {
        Kind = kind;
        Schema = schema;
        SchemaName = schemaName;
    }

    /// <summary>Gets the free-text format.</summary>
    public static ResponseFormat Text { get; } = new(ResponseFormatKind.Text, null, null);

    /// <summary>Gets the any-JSON format.</summary>
    public static ResponseFormat Json { get; } = new(ResponseFormatKind.Json, null, null);

    /// <summary>Creates a JSON-schema format.</summary>
    /// <param name="schema">The JSON schema the response must conform to.</param>
    /// <param name="schemaName">A name for the schema, which some providers require.</param>
    /// <returns>The format.</returns>
    /// <exception cref="ArgumentException"><paramref name="schema"/> is not a JSON object.</exception>
    public static ResponseFormat ForJsonSchema(JsonElement schema, string? schemaName = null)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("A JSON schema must be a JSON object.", nameof(schema));
        }

        return new(ResponseFormatKind.JsonSchema, schema.Clone(), schemaName);
    }

    /// <summary>Gets the kind of format.</summary>
    public ResponseFormatKind Kind { get; }

    /// <summary>Gets the schema the response must conform to.</summary>
    /// <value>Set only when <see cref="Kind"/> is <see cref="ResponseFormatKind.JsonSchema"/>.</value>
    public JsonElement? Schema { get; }

    /// <summary>Gets the schema's name.</summary>
    public string? SchemaName { get; }

    /// <inheritdoc/>
    public bool Equals(ResponseFormat? other) =>
        other is not null
        && Kind == other.Kind
        && SchemaName == other.SchemaName
        && Schema?.GetRawText() == other.Schema?.GetRawText();

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, SchemaName);
}
