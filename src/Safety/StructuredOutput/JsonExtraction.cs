using System.Text;
using System.Text.Json;

namespace Agents.Safety.StructuredOutput;

/// <summary>Finds the single JSON value in a model's answer: the whole answer, or the first object/array in it (code fences, a sentence around it).</summary>
internal static class JsonExtraction
{
    public static bool TryExtract(string text, out JsonElement value, out string? error)
    {
        value = default;
        var trimmed = text.Trim();
        if (TryParseWhole(trimmed, out value))
        {
            error = null;
            return true;
        }

        var start = trimmed.IndexOfAny(['{', '[']);
        if (start >= 0)
        {
            try
            {
                var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(trimmed[start..]), new JsonReaderOptions { AllowTrailingCommas = false });
                using var document = JsonDocument.ParseValue(ref reader);
                value = document.RootElement.Clone();
                error = null;
                return true;
            }
            catch (JsonException)
            {
                // Reported below.
            }
        }

        error = trimmed.Length == 0
            ? "the answer is empty, not JSON"
            : $"the answer is not JSON: {Excerpt(trimmed)}";
        return false;
    }

    private static bool TryParseWhole(string text, out JsonElement value)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            value = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            value = default;
            return false;
        }
    }

    private static string Excerpt(string text) => text.Length <= 80 ? $"'{text}'" : $"'{text[..80]}…'";
}
