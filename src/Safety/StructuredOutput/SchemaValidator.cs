using System.Text.Json;
using Json.Schema;

namespace Agents.Safety.StructuredOutput;

/// <summary>Checks JSON text against a JSON schema (JsonSchema.Net), reporting every error with its location.</summary>
internal sealed class SchemaValidator
{
    /// <summary>The validator name carried by <see cref="ValidationFailedException.Validator"/>.</summary>
    public const string Name = "json-schema";

    private readonly JsonSchema _schema;
    private readonly EvaluationOptions _evaluation;

    public SchemaValidator(JsonElement schema, bool validateFormats)
    {
        SchemaCycleCheck.ThrowIfUnsafe(schema);
        SchemaReferenceCheck.ThrowIfUnresolvable(schema);
        try
        {
            // Draft 2020-12, the dialect these schemas are written in: there `format` asserts only when asked
            // (ValidateFormats), whereas JsonSchema.Net's default dialect (v1/2026) always asserts it.
            _schema = JsonSchema.Build(schema, new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft202012 });
        }
        catch (Exception e) when (e is JsonSchemaException or JsonException or ArgumentException or InvalidOperationException or RefResolutionException)
        {
            throw new ArgumentException($"The JSON schema is invalid: {e.Message}", nameof(schema), e);
        }

        _evaluation = new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = validateFormats };
    }

    /// <summary>Extracts the JSON value from <paramref name="text"/> and validates it.</summary>
    /// <param name="text">The model's answer (code fences and text around a single JSON object or array are tolerated).</param>
    /// <param name="value">The JSON value, when one was found.</param>
    /// <returns>Every error; empty when the answer is valid.</returns>
    public IReadOnlyList<string> Check(string text, out JsonElement value)
    {
        if (!JsonExtraction.TryExtract(text, out value, out var parseError))
        {
            return [parseError!];
        }

        EvaluationResults result;
        try
        {
            result = _schema.Evaluate(value, _evaluation);
        }
        catch (RefResolutionException e)
        {
            // Only a reference the construction-time check cannot judge (under a nested "$id") gets here.
            throw new InvalidRequestException($"The JSON schema's $ref does not resolve: {e.Message}", e) { Parameter = "schema" };
        }

        if (result.IsValid)
        {
            return [];
        }

        var errors = new List<string>();
        foreach (var detail in result.Details ?? [])
        {
            foreach (var (keyword, message) in detail.Errors ?? new Dictionary<string, string>())
            {
                var location = detail.InstanceLocation.ToString();
                errors.Add($"{(location.Length == 0 ? "(root)" : location)}: {message} ({keyword})");
            }
        }

        errors.AddRange(DescribeSilentFailures(result));

        return errors.Count > 0 ? errors : ["the value does not conform to the schema"];
    }

    // JsonSchema.Net reports a oneOf with several matching branches as a failed node without any error message for
    // it (the node may still carry other keywords' errors); say what failed, so a repair prompt can explain it.
    private static IEnumerable<string> DescribeSilentFailures(EvaluationResults result)
    {
        var details = result.Details ?? [];

        // One pass counts the valid branches under each ".../oneOf" path, so a large value stays linear.
        var validBranches = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var detail in details)
        {
            var path = detail.EvaluationPath.ToString();
            var cut = path.LastIndexOf("/oneOf/", StringComparison.Ordinal);
            if (detail.IsValid && cut >= 0 && path.IndexOf('/', cut + "/oneOf/".Length) < 0)
            {
                var parent = path[..cut];
                validBranches[parent] = validBranches.GetValueOrDefault(parent) + 1;
            }
        }

        foreach (var failed in details)
        {
            if (!failed.IsValid && validBranches.TryGetValue(failed.EvaluationPath.ToString(), out var matching) && matching > 1)
            {
                var location = failed.InstanceLocation.ToString();
                yield return $"{(location.Length == 0 ? "(root)" : location)}: the value matches {matching} branches of oneOf; exactly one must match (oneOf)";
            }
        }
    }
}
