using System.Text.Json;

namespace Agents.Evaluation;

/// <summary>
/// A dataset in JSON Lines: one object per line with "input" (required), "reference" (optional string or array of
/// strings), "id" (optional; "line-N" otherwise) and "labels" (optional object). Blank lines are skipped.
/// </summary>
public static class EvalDataset
{
    /// <summary>The longest line accepted, in characters.</summary>
    public const int MaxLineCharacters = 4 * 1024 * 1024;

    /// <summary>Reads a dataset file.</summary>
    /// <param name="path">The JSONL file.</param>
    /// <returns>The items in file order.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A line is malformed; the message names every bad line (up to ten).</exception>
    public static IReadOnlyList<EvalItem> Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path);
        return Parse(reader);
    }

    /// <summary>Reads a dataset.</summary>
    /// <param name="reader">The JSONL text.</param>
    /// <returns>The items in order.</returns>
    /// <exception cref="InvalidDataException">A line is malformed; the message names every bad line (up to ten).</exception>
    public static IReadOnlyList<EvalItem> Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var items = new List<EvalItem>();
        var errors = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var lineNumber = 0;
        while (ReadLine(reader) is { } line)
        {
            lineNumber++;
            if (line.Length > MaxLineCharacters)
            {
                errors.Add($"line {lineNumber}: longer than {MaxLineCharacters} characters.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var item = ParseLine(line, lineNumber, out var error);
            if (item is null)
            {
                errors.Add($"line {lineNumber}: {error}");
            }
            else if (!ids.Add(item.Id))
            {
                errors.Add($"line {lineNumber}: id '{item.Id}' appears twice.");
            }
            else
            {
                items.Add(item);
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidDataException($"The dataset has {errors.Count} bad line(s): {string.Join(" ", errors.Take(10))}");
        }

        return items;
    }

    // Reads at most MaxLineCharacters + 1 characters so one enormous line cannot exhaust memory.
    private static string? ReadLine(TextReader reader)
    {
        var buffer = new System.Text.StringBuilder();
        int c;
        var any = false;
        while ((c = reader.Read()) != -1)
        {
            any = true;
            if (c == '\n')
            {
                break;
            }

            if (buffer.Length <= MaxLineCharacters)
            {
                buffer.Append((char)c);
            }
        }

        if (!any)
        {
            return null;
        }

        if (buffer.Length > 0 && buffer[^1] == '\r')
        {
            buffer.Length--;
        }

        return buffer.ToString();
    }

    private static EvalItem? ParseLine(string line, int lineNumber, out string? error)
    {
        error = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            error = $"not valid JSON ({e.Message})";
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "not a JSON object.";
                return null;
            }

            if (!root.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.String)
            {
                error = "\"input\" (a string) is missing.";
                return null;
            }

            var id = $"line-{lineNumber}";
            if (root.TryGetProperty("id", out var idElement))
            {
                id = idElement.ValueKind switch
                {
                    JsonValueKind.String when !string.IsNullOrWhiteSpace(idElement.GetString()) => idElement.GetString()!,
                    JsonValueKind.Number => idElement.GetRawText(),
                    _ => string.Empty,
                };
                if (id.Length == 0)
                {
                    error = "\"id\" must be a non-empty string or a number.";
                    return null;
                }
            }

            var references = new List<string>();
            if (root.TryGetProperty("reference", out var reference) && reference.ValueKind != JsonValueKind.Null)
            {
                if (reference.ValueKind == JsonValueKind.String)
                {
                    references.Add(reference.GetString()!);
                }
                else if (reference.ValueKind == JsonValueKind.Array && reference.EnumerateArray().All(r => r.ValueKind == JsonValueKind.String))
                {
                    references.AddRange(reference.EnumerateArray().Select(r => r.GetString()!));
                }
                else
                {
                    error = "\"reference\" must be a string or an array of strings.";
                    return null;
                }
            }

            var labels = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            if (root.TryGetProperty("labels", out var labelElement) && labelElement.ValueKind != JsonValueKind.Null)
            {
                if (labelElement.ValueKind != JsonValueKind.Object)
                {
                    error = "\"labels\" must be an object.";
                    return null;
                }

                foreach (var property in labelElement.EnumerateObject())
                {
                    labels[property.Name] = property.Value.Clone();
                }
            }

            return new EvalItem(id, input.GetString()!, references, labels);
        }
    }
}
