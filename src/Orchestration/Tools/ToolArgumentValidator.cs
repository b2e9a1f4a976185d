using System.Text.Json;
using Json.Schema;

namespace Agents.Orchestration;

/// <summary>
/// Checks a model's tool-call arguments against the tool's JSON schema, and words every problem so the model can
/// correct its call (the problems are sent back as the tool result, never thrown).
/// </summary>
internal sealed class ToolArgumentValidator
{
    private const int MaxReportedErrors = 8;
    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List };

    // Schema generators add keywords of their own (Semantic Kernel adds "condition"): they are annotations, not errors.
    private static readonly Dialect Lenient = Dialect.Draft202012.With([], allowUnknownKeywords: true);

    private readonly JsonSchema _schema;

    private ToolArgumentValidator(JsonSchema schema) => _schema = schema;

    public static ToolArgumentValidator Create(ToolDefinition definition)
    {
        try
        {
            // A private registry per schema: tool schemas never collide in (or leak into) the library's global one.
            var options = new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Lenient };
            return new(JsonSchema.Build(definition.ParametersSchema, options));
        }
        catch (Exception ex) when (ex is JsonSchemaException or JsonException or ArgumentException or InvalidOperationException or KeyNotFoundException)
        {
            throw new ArgumentException($"The argument schema of tool '{definition.Name}' is not a usable JSON schema: {ex.Message}", nameof(definition), ex);
        }
    }

    /// <summary>Parses and checks <paramref name="argumentsJson"/>.</summary>
    /// <param name="argumentsJson">The arguments exactly as the model wrote them.</param>
    /// <param name="arguments">The parsed arguments (a JSON object) when they are valid.</param>
    /// <param name="error">What is wrong, written for the model, when they are not.</param>
    /// <returns>Whether the arguments are valid.</returns>
    public bool TryValidate(string argumentsJson, out JsonElement arguments, out string? error)
    {
        arguments = default;
        var text = string.IsNullOrWhiteSpace(argumentsJson) ? "{}" : argumentsJson;
        JsonElement parsed;
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
            parsed = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            error = $"The arguments are not valid JSON ({ex.Message}). Send a JSON object that matches the tool's schema.";
            return false;
        }

        if (parsed.ValueKind != JsonValueKind.Object)
        {
            error = $"The arguments must be a JSON object, not {Describe(parsed.ValueKind)}.";
            return false;
        }

        var results = _schema.Evaluate(parsed, Evaluation);
        if (!results.IsValid)
        {
            error = "The arguments do not match the tool's schema: " + string.Join("; ", Problems(results)) + ".";
            return false;
        }

        arguments = parsed;
        error = null;
        return true;
    }

    private static IEnumerable<string> Problems(EvaluationResults results)
    {
        var problems = new List<string>();
        foreach (var detail in (results.Details ?? []).Prepend(results))
        {
            if (detail.Errors is null)
            {
                continue;
            }

            foreach (var (_, message) in detail.Errors)
            {
                var location = detail.InstanceLocation.ToString();
                var problem = (location.Length == 0 ? "(root)" : location) + ": " + message;
                if (!problems.Contains(problem, StringComparer.Ordinal))
                {
                    problems.Add(problem);
                }
            }
        }

        return problems.Count == 0 ? ["invalid"] : problems.Take(MaxReportedErrors);
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
