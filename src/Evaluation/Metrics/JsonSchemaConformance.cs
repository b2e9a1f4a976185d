using System.Text.Json;
using Json.Schema;

namespace Agents.Evaluation;

/// <summary>
/// JSON-schema conformance: an output conforms when it parses as JSON (a fenced <c>```json</c> block is unwrapped) and
/// validates against the schema (JSON Schema 2020-12 by default). The rate is conforming outputs / outputs.
/// </summary>
public sealed class JsonSchemaConformance
{
    private readonly JsonSchema _schema;

    /// <summary>Creates a checker for <paramref name="schemaJson"/>.</summary>
    /// <param name="schemaJson">The JSON schema text.</param>
    /// <exception cref="ArgumentException">The schema is empty or not a valid schema.</exception>
    public JsonSchemaConformance(string schemaJson)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(schemaJson);
        try
        {
            _schema = JsonSchema.FromText(schemaJson, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        }
        catch (Exception e) when (e is JsonException or JsonSchemaException or ArgumentException or InvalidOperationException)
        {
            throw new ArgumentException($"The JSON schema is invalid: {e.Message}", nameof(schemaJson), e);
        }
    }

    /// <summary>Checks one output.</summary>
    /// <param name="output">The generated text.</param>
    /// <returns>1 when it conforms, else 0.</returns>
    public double Score(string? output) => Conforms(output) ? 1 : 0;

    /// <summary>Checks one output.</summary>
    /// <param name="output">The generated text.</param>
    /// <returns><see langword="true"/> when it parses and validates.</returns>
    public bool Conforms(string? output)
    {
        if (JsonText.TryParse(output, out var document))
        {
            using (document)
            {
                return _schema.Evaluate(document!.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid;
            }
        }

        return false;
    }

    /// <summary>The conformance rate of <paramref name="outputs"/>.</summary>
    /// <param name="outputs">The generated texts.</param>
    /// <returns>Conforming / total in [0, 1]; NaN with no output.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="outputs"/> is <see langword="null"/>.</exception>
    public double Rate(IEnumerable<string?> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        var list = outputs.ToList();
        return list.Count == 0 ? double.NaN : list.Average(Score);
    }
}
