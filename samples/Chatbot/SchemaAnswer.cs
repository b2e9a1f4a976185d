using System.Text.Json;
using Agents.Safety.StructuredOutput;

namespace Agents.Samples.Chatbot;

/// <summary>The one-shot <c>--json-schema &lt;file&gt;</c> mode: asks for JSON conforming to the schema and prints the validated value.</summary>
public static class SchemaAnswer
{
    /// <summary>Reads the schema file, or explains why it cannot be used.</summary>
    /// <exception cref="UsageException">The file is missing or is not a JSON object.</exception>
    public static JsonElement ReadSchema(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.Clone()
                : throw new UsageException($"--json-schema: '{path}' is not a JSON object.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new UsageException($"--json-schema: cannot read '{path}': {ex.Message}");
        }
    }

    /// <summary>Generates, validates (repairing up to three times) and returns the JSON text to print.</summary>
    /// <exception cref="ValidationFailedException">No attempt produced schema-valid JSON.</exception>
    public static async Task<string> AskAsync(IGenerator generator, ChatbotOptions options, string prompt, JsonElement schema, CancellationToken cancellationToken)
    {
        var messages = new List<Message>();
        if (!string.IsNullOrWhiteSpace(options.SystemPrompt))
        {
            messages.Add(Message.System(options.SystemPrompt));
        }

        messages.Add(Message.User(prompt));
        var json = await generator.GenerateJsonAsync(new GenerationRequest(messages, options.ToGenerationOptions()), schema, cancellationToken: cancellationToken);
        return JsonSerializer.Serialize(json, SchemaAnswerJson.Indented);
    }

    private static class SchemaAnswerJson
    {
        public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    }
}
