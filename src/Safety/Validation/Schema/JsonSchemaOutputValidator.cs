using System.Text.Json;
using Agents.Safety.StructuredOutput;
using Json.Schema;

namespace Agents.Safety.Validation;

/// <summary>
/// Requires the answer to be JSON that conforms to a JSON Schema (draft 2020-12 and earlier, through
/// JsonSchema.Net). A whole-answer check: in a stream it runs when the stream ends.
/// </summary>
/// <remarks>
/// One Markdown code fence around the JSON (<c>```json … ```</c>) is tolerated unless
/// <see cref="AllowCodeFence"/> is off. Each schema error becomes one violation naming the JSON location.
/// Without an explicit schema (<see cref="FromRequest"/>), the request's
/// <see cref="GenerationOptions.ResponseFormat"/> schema is used; a request without one only needs valid JSON.
/// </remarks>
public sealed class JsonSchemaOutputValidator : IOutputValidator
{
    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List };

    private readonly JsonSchema? _schema;

    private JsonSchemaOutputValidator(JsonSchema? schema, string name, bool allowCodeFence)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _schema = schema;
        Name = name;
        AllowCodeFence = allowCodeFence;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Gets whether one Markdown code fence around the JSON is accepted.</summary>
    /// <value><see langword="true"/> unless the factory was told otherwise.</value>
    public bool AllowCodeFence { get; }

    /// <summary>Creates a validator for the schema in <paramref name="schemaJson"/>.</summary>
    /// <param name="schemaJson">The JSON Schema document.</param>
    /// <param name="name">The validator's name.</param>
    /// <param name="allowCodeFence">Whether one Markdown code fence around the JSON is accepted.</param>
    /// <returns>The validator.</returns>
    /// <exception cref="ArgumentException"><paramref name="schemaJson"/> is not a valid JSON Schema.</exception>
    public static JsonSchemaOutputValidator FromText(string schemaJson, string name = "json-schema", bool allowCodeFence = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(schemaJson);
        try
        {
            using var document = JsonDocument.Parse(schemaJson);
            // The built schema keeps reading the element it was built from, so it gets a copy that outlives the document.
            return new JsonSchemaOutputValidator(Build(document.RootElement.Clone(), nameof(schemaJson)), name, allowCodeFence);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The schema is not a valid JSON Schema: {ex.Message}", nameof(schemaJson), ex);
        }
    }

    /// <summary>Creates a validator for a parsed schema.</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="name">The validator's name.</param>
    /// <param name="allowCodeFence">Whether one Markdown code fence around the JSON is accepted.</param>
    /// <returns>The validator.</returns>
    public static JsonSchemaOutputValidator FromSchema(JsonSchema schema, string name = "json-schema", bool allowCodeFence = true)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return new JsonSchemaOutputValidator(schema, name, allowCodeFence);
    }

    /// <summary>Creates a validator that takes the schema from each request's <see cref="GenerationOptions.ResponseFormat"/>.</summary>
    /// <param name="name">The validator's name.</param>
    /// <param name="allowCodeFence">Whether one Markdown code fence around the JSON is accepted.</param>
    /// <returns>The validator.</returns>
    public static JsonSchemaOutputValidator FromRequest(string name = "json-schema", bool allowCodeFence = true) => new(null, name, allowCodeFence);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ValidationViolation>> ValidateAsync(ValidationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var schema = _schema ?? SchemaOf(context.Request);
        var json = AllowCodeFence ? StripCodeFence(context.Text) : context.Text;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            return Result([new ValidationViolation(Name, "invalid-json",
                $"the answer is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})")]);
        }

        using (document)
        {
            if (schema is null)
            {
                return Result([]);
            }

            EvaluationResults results;
            try
            {
                results = schema.Evaluate(document.RootElement, Evaluation);
            }
            catch (RefResolutionException ex)
            {
                // Only a reference the build-time check cannot judge (under a nested "$id") gets here.
                throw new InvalidRequestException($"The JSON schema's $ref does not resolve: {ex.Message}", ex) { Parameter = "schema" };
            }

            if (results.IsValid)
            {
                return Result([]);
            }

            var violations = new List<ValidationViolation>();
            foreach (var detail in (results.Details ?? []).Prepend(results))
            {
                if (detail.Errors is null)
                {
                    continue;
                }

                foreach (var (keyword, message) in detail.Errors)
                {
                    var location = detail.InstanceLocation.ToString();
                    violations.Add(new ValidationViolation(Name, "schema",
                        $"at '{(location.Length == 0 ? "/" : location)}' ({keyword}): {message}"));
                }
            }

            if (violations.Count == 0)
            {
                violations.Add(new ValidationViolation(Name, "schema", "the answer does not conform to the schema"));
            }

            return Result(violations);
        }
    }

    private static JsonSchema? SchemaOf(GenerationRequest request)
    {
        if (request.Options?.ResponseFormat?.Schema is not { } element)
        {
            return null;
        }

        try
        {
            return Build(element, nameof(GenerationOptions.ResponseFormat));
        }
        catch (ArgumentException ex)
        {
            // The request is at fault, not this validator's caller: the same typed error a backend gives for a bad request.
            throw new InvalidRequestException($"The request's response-format schema is invalid: {ex.InnerException?.Message}", ex.InnerException)
            {
                Parameter = nameof(GenerationOptions.ResponseFormat),
            };
        }
    }

    // Each schema gets a registry of its own: JsonSchema.Net's default one is process-wide and keeps every schema built
    // against it (a per-request schema would leak), and it is where a "$ref" to another document would be looked up.
    private static JsonSchema Build(JsonElement schema, string parameter)
    {
        try
        {
            // JsonSchema.Net evaluates a $ref cycle through allOf/anyOf by recursing until the stack overflows.
            SchemaCycleCheck.ThrowIfUnsafe(schema);
            SchemaReferenceCheck.ThrowIfUnresolvable(schema);
            return JsonSchema.Build(schema, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        }
        catch (Exception ex) when (ex is JsonSchemaException or RefResolutionException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw new ArgumentException($"The schema is not a valid JSON Schema: {ex.Message}", parameter, ex);
        }
    }

    private static string StripCodeFence(string text)
    {
        var trimmed = text.AsSpan().Trim();
        if (!trimmed.StartsWith("```", StringComparison.Ordinal) || !trimmed.EndsWith("```", StringComparison.Ordinal) || trimmed.Length < 6)
        {
            return text;
        }

        var inner = trimmed[3..^3];
        var newline = inner.IndexOf('\n');
        return newline < 0 ? inner.ToString() : inner[(newline + 1)..].ToString();
    }

    private static ValueTask<IReadOnlyList<ValidationViolation>> Result(IReadOnlyList<ValidationViolation> violations) =>
        ValueTask.FromResult(violations);
}
