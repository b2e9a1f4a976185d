using System.Text.Json;

namespace Agents.Safety.StructuredOutput;

/// <summary>How <see cref="GeneratorStructuredOutputExtensions"/> asks for, checks and repairs JSON.</summary>
public sealed class StructuredOutputOptions
{
    /// <summary>Gets or sets how many generations may be tried: the first, then repairs with the validation errors fed back.</summary>
    /// <value>3; between 1 and 10.</value>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Gets or sets the name the schema is sent under (some providers require one).</summary>
    /// <value><c>response</c>.</value>
    public string SchemaName { get; set; } = "response";

    /// <summary>Gets or sets whether the schema is always written into the prompt as well as sent as the response format.</summary>
    /// <value>
    /// <see langword="false"/>: the schema goes into the prompt only for a generator that does not advertise
    /// <see cref="GeneratorCapabilities.JsonSchema"/>, or that has been seen ignoring the response format.
    /// </value>
    public bool AlwaysIncludeSchemaInPrompt { get; set; }

    /// <summary>Gets or sets the serializer options for turning JSON into <c>T</c> and for exporting <c>T</c>'s schema.</summary>
    /// <value><see cref="JsonSerializerOptions.Web"/> (camelCase names).</value>
    public JsonSerializerOptions SerializerOptions { get; set; } = JsonSerializerOptions.Web;

    /// <summary>Gets or sets whether string <c>format</c>s (date, email, …) are checked as assertions.</summary>
    /// <value><see langword="true"/>.</value>
    public bool ValidateFormats { get; set; } = true;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names every one.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (MaxAttempts is < 1 or > 10)
        {
            errors.Add($"MaxAttempts must be between 1 and 10 (was {MaxAttempts}).");
        }

        if (string.IsNullOrWhiteSpace(SchemaName))
        {
            errors.Add("SchemaName must not be empty.");
        }

        if (SerializerOptions is null)
        {
            errors.Add("SerializerOptions must not be null.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid StructuredOutputOptions: " + string.Join(" ", errors));
        }
    }
}
