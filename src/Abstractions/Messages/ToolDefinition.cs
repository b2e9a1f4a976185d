using System.Text.Json;

namespace Agents;

/// <summary>A tool the model may call: its name, what it does, and the JSON schema of its arguments.</summary>
public sealed record ToolDefinition
{
    /// <summary>Creates a tool definition.</summary>
    /// <param name="name">The tool's name: letters, digits, '_' or '-'.</param>
    /// <param name="description">What the tool does, written for the model.</param>
    /// <param name="parametersSchema">A JSON schema (an object schema) for the arguments; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or has other characters.</exception>
    public ToolDefinition(string name, string? description = null, JsonElement? parametersSchema = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '_' and not '-')
            {
                throw new ArgumentException($"Tool name '{name}' may hold only ASCII letters, digits, '_' and '-'.", nameof(name));
            }
        }

        Name = name;
        Description = description;
        ParametersSchema = parametersSchema?.Clone() ?? EmptyObjectSchema;
    }

    private static readonly JsonElement EmptyObjectSchema =
        JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();

    /// <summary>Gets the tool's name.</summary>
    public string Name { get; }

    /// <summary>Gets what the tool does.</summary>
    public string? Description { get; }

    /// <summary>Gets the JSON schema of the tool's arguments.</summary>
    /// <value>An object schema; <c>{"type":"object","properties":{}}</c> when the tool takes none.</value>
    public JsonElement ParametersSchema { get; }

    /// <inheritdoc/>
    public bool Equals(ToolDefinition? other) =>
        other is not null
        && Name == other.Name
        && Description == other.Description
        && ParametersSchema.GetRawText() == other.ParametersSchema.GetRawText();

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Description);
}
