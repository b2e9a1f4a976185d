using System.Text.Json;

namespace Agents.Safety.StructuredOutput;

/// <summary>
/// Refuses, before any generator call, a schema whose <c>$ref</c> cannot resolve: a JSON pointer to nothing, an
/// anchor no subschema declares, or a reference to another document (schemas are read without a registry of others).
/// JsonSchema.Net only finds these while evaluating a value, that is after the model has already answered.
/// </summary>
internal static class SchemaReferenceCheck
{
    // Only keywords whose values are subschemas are walked: a "$ref" inside "enum", "default", "examples" or an unknown
    // keyword is data (or an annotation), which the evaluator never resolves either.
    private static readonly HashSet<string> SchemaMaps = new(StringComparer.Ordinal)
    {
        "properties", "patternProperties", "$defs", "definitions", "dependentSchemas",
    };

    private static readonly HashSet<string> SchemaValues = new(StringComparer.Ordinal)
    {
        "items", "additionalItems", "additionalProperties", "contains", "propertyNames", "unevaluatedProperties",
        "unevaluatedItems", "not", "if", "then", "else", "prefixItems", "allOf", "anyOf", "oneOf",
    };

    public static void ThrowIfUnresolvable(JsonElement root)
    {
        var references = new List<string>();
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var nestedIds = false;
        var pending = new Stack<(JsonElement Node, bool IsRoot)>();
        pending.Push((root, true));
        while (pending.TryPop(out var entry))
        {
            if (entry.Node.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in entry.Node.EnumerateArray())
                {
                    pending.Push((item, false));
                }

                continue;
            }

            if (entry.Node.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var property in entry.Node.EnumerateObject())
            {
                var text = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                switch (property.Name)
                {
                    case "$ref" when text is not null:
                        references.Add(text);
                        break;
                    case "$anchor" or "$dynamicAnchor" when text is not null:
                        anchors.Add(text);
                        break;
                    case "$id":
                        nestedIds |= !entry.IsRoot;
                        break;
                    case var name when SchemaValues.Contains(name):
                        pending.Push((property.Value, false));
                        break;
                    case var name when SchemaMaps.Contains(name) && property.Value.ValueKind == JsonValueKind.Object:
                        foreach (var member in property.Value.EnumerateObject())
                        {
                            pending.Push((member.Value, false));
                        }

                        break;
                }
            }
        }

        // A nested "$id" starts a new base URI that references are resolved against; a static check against the root
        // would be wrong there, so such schemas are left to the evaluator (SchemaValidator reports its failure typed).
        if (nestedIds)
        {
            return;
        }

        foreach (var reference in references)
        {
            var resolves = SchemaPointer.IsPointer(reference)
                ? SchemaPointer.Resolve(root, reference) is not null
                : reference.StartsWith('#') && anchors.Contains(Uri.UnescapeDataString(reference[1..]));
            if (!resolves && (reference.StartsWith('#') || !HasRootId(root)))
            {
                throw new ArgumentException(reference.StartsWith('#')
                    ? $"The JSON schema's '$ref' '{reference}' does not resolve to any part of the schema."
                    : $"The JSON schema's '$ref' '{reference}' refers to another document; only references into the same schema are supported.");
            }
        }
    }

    private static bool HasRootId(JsonElement root) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty("$id", out _);
}
