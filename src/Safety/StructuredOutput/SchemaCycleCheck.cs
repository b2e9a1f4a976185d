using System.Text.Json;

namespace Agents.Safety.StructuredOutput;

/// <summary>
/// Refuses schemas a validator could loop on: a <c>$ref</c> cycle that never descends into the instance (through
/// <c>$ref</c>, <c>allOf</c>/<c>anyOf</c>/<c>oneOf</c>, <c>not</c>, <c>if</c>/<c>then</c>/<c>else</c>), like
/// <c>{"$ref":"#"}</c>, and schemas nested deeper than <see cref="MaxDepth"/>.
/// </summary>
internal static class SchemaCycleCheck
{
    public const int MaxDepth = 64;

    private static readonly string[] InPlaceArrays = ["allOf", "anyOf", "oneOf"];
    private static readonly string[] InPlaceSchemas = ["not", "if", "then", "else"];

    public static void ThrowIfUnsafe(JsonElement root)
    {
        // Each schema node reached through in-place keywords only, from a start node, must not reach itself.
        var starts = new Stack<(JsonElement Node, int Depth)>();
        starts.Push((root, 0));
        var visitedStarts = 0;
        while (starts.TryPop(out var entry))
        {
            if (entry.Depth > MaxDepth)
            {
                throw new ArgumentException($"The JSON schema nests more than {MaxDepth} levels deep.");
            }

            if (++visitedStarts > 100_000)
            {
                throw new ArgumentException("The JSON schema is too large to check.");
            }

            CheckInPlaceCycle(root, entry.Node);
            foreach (var child in Children(entry.Node))
            {
                starts.Push((child, entry.Depth + 1));
            }
        }
    }

    private static void CheckInPlaceCycle(JsonElement root, JsonElement start)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<JsonElement>();
        pending.Push(start);
        while (pending.TryPop(out var node))
        {
            if (node.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (node.TryGetProperty("$ref", out var reference) && reference.GetString() is { } pointer && pointer.StartsWith('#'))
            {
                if (!seen.Add(pointer))
                {
                    throw new ArgumentException($"The JSON schema's '$ref' '{pointer}' refers back to itself without describing any part of the value.");
                }

                if (SchemaPointer.Resolve(root, pointer) is { } target)
                {
                    pending.Push(target);
                }
            }

            foreach (var keyword in InPlaceArrays)
            {
                if (node.TryGetProperty(keyword, out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in list.EnumerateArray())
                    {
                        pending.Push(item);
                    }
                }
            }

            foreach (var keyword in InPlaceSchemas)
            {
                if (node.TryGetProperty(keyword, out var child))
                {
                    pending.Push(child);
                }
            }
        }
    }

    // Subschemas that apply to parts of the value (properties, items, definitions).
    private static IEnumerable<JsonElement> Children(JsonElement node)
    {
        if (node.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        foreach (var property in node.EnumerateObject())
        {
            if (property.Name is "properties" or "$defs" or "definitions" or "patternProperties" or "dependentSchemas")
            {
                if (property.Value.ValueKind == JsonValueKind.Object)
                {
                    foreach (var member in property.Value.EnumerateObject())
                    {
                        yield return member.Value;
                    }
                }
            }
            else if (property.Name is "items" or "additionalProperties" or "contains" or "propertyNames" or "unevaluatedProperties" or "unevaluatedItems")
            {
                yield return property.Value;
            }
            else if (property.Name is "prefixItems" or "allOf" or "anyOf" or "oneOf" && property.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in property.Value.EnumerateArray())
                {
                    yield return item;
                }
            }
        }
    }
}
