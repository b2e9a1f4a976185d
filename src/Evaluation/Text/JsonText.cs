using System.Text.Json;

namespace Agents.Evaluation;

/// <summary>Finds the JSON value in a model's reply: the whole text, a fenced block, or the outermost braces.</summary>
internal static class JsonText
{
    private static readonly JsonDocumentOptions s_options = new() { MaxDepth = 64, AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public static bool TryParse(string? text, out JsonDocument? document)
    {
        document = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        foreach (var candidate in Candidates(text))
        {
            try
            {
                document = JsonDocument.Parse(candidate, s_options);
                return true;
            }
            catch (JsonException)
            {
            }
        }

        return false;
    }

    private static IEnumerable<string> Candidates(string text)
    {
        yield return text.Trim();
        var fence = text.IndexOf("```", StringComparison.Ordinal);
        if (fence >= 0)
        {
            var bodyStart = text.IndexOf('\n', fence);
            var close = bodyStart < 0 ? -1 : text.IndexOf("```", bodyStart, StringComparison.Ordinal);
            if (close > bodyStart)
            {
                yield return text[(bodyStart + 1)..close].Trim();
            }
        }

        var open = text.IndexOf('{', StringComparison.Ordinal);
        var end = text.LastIndexOf('}');
        if (open >= 0 && end > open)
        {
            yield return text[open..(end + 1)];
        }
    }
}
