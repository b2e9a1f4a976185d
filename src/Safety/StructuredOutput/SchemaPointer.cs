using System.Globalization;
using System.Text.Json;

namespace Agents.Safety.StructuredOutput;

/// <summary>Resolves a <c>$ref</c> of the form <c>#</c> or <c>#/json/pointer</c> against the schema document's root.</summary>
internal static class SchemaPointer
{
    /// <summary>Tells whether <paramref name="reference"/> is a JSON pointer into the same document (<c>#</c>, <c>#/…</c>).</summary>
    public static bool IsPointer(string reference) => reference == "#" || reference.StartsWith("#/", StringComparison.Ordinal);

    /// <summary>The schema node <paramref name="pointer"/> (starting with <c>#</c>) names, or null when there is none.</summary>
    public static JsonElement? Resolve(JsonElement root, string pointer)
    {
        var current = root;
        var fragment = Uri.UnescapeDataString(pointer[1..]);
        if (fragment.Length == 0)
        {
            return current;
        }

        if (!fragment.StartsWith('/'))
        {
            return null;
        }

        foreach (var raw in fragment[1..].Split('/'))
        {
            var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(token, out var child))
            {
                current = child;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                return null;
            }
        }

        return current;
    }
}
