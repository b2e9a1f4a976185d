using System.Text.Json;
using Json.Schema;

namespace Agents.Backends.Llama.Tests.Grammar;

/// <summary>Validates JSON text against a schema with JsonSchema.Net, returning every error.</summary>
internal static class SchemaCheck
{
    public static IReadOnlyList<string> Errors(string schema, string instance)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(instance);
        }
        catch (JsonException e)
        {
            return [$"not JSON: {e.Message} in <{instance}>"];
        }

        using (document)
        {
            var built = JsonSchema.FromText(schema, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
            var result = built.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
            if (result.IsValid)
            {
                return [];
            }

            return [.. (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).DefaultIfEmpty("invalid").Append($"in <{instance}>")];
        }
    }
}
