using System.ComponentModel.DataAnnotations;

namespace Agents.Backends.Llama.Grammar;

/// <summary>
/// Bounds for the grammars built from JSON schemas, so constrained generation always ends: a weak model under an
/// unbounded grammar can keep a string (or an array) open until it runs out of tokens.
/// </summary>
public sealed class JsonGrammarOptions
{
    /// <summary>Gets the defaults.</summary>
    public static JsonGrammarOptions Default { get; } = new();

    /// <summary>Gets or sets the longest string generated when the schema gives no <c>maxLength</c> (characters).</summary>
    /// <value>256.</value>
    [Range(1, 2000)]
    public int DefaultMaxStringLength { get; set; } = 256;

    /// <summary>Gets or sets the most array items (or free-form object members) generated when the schema gives no <c>maxItems</c>.</summary>
    /// <value>16.</value>
    [Range(1, 2000)]
    public int DefaultMaxItems { get; set; } = 16;

    /// <summary>Gets or sets how deeply schemas may nest (objects, arrays, combinators, references) before the schema is refused.</summary>
    /// <value>32.</value>
    [Range(1, 128)]
    public int MaxSchemaDepth { get; set; } = 32;

    /// <summary>Gets or sets the most values an <c>enum</c> may list.</summary>
    /// <value>1024.</value>
    [Range(1, 100_000)]
    public int MaxEnumValues { get; set; } = 1024;

    /// <summary>Gets or sets the most digits of an integer (or a number's integer part) when the schema gives no bound.</summary>
    /// <value>15 (every such value is exact in a double).</value>
    [Range(1, 15)]
    public int MaxIntegerDigits { get; set; } = 15;

    /// <summary>Gets or sets the most digits after a number's decimal point.</summary>
    /// <value>6.</value>
    [Range(1, 15)]
    public int MaxFractionDigits { get; set; } = 6;

    /// <summary>Gets or sets the most whitespace characters between two JSON tokens.</summary>
    /// <value>8.</value>
    [Range(0, 100)]
    public int MaxWhitespace { get; set; } = 8;

    /// <summary>Gets or sets how deeply free-form JSON (an empty schema, <c>additionalProperties: true</c>, <see cref="ResponseFormat.Json"/>) may nest.</summary>
    /// <value>4.</value>
    [Range(1, 16)]
    public int MaxFreeFormDepth { get; set; } = 4;

    /// <summary>Gets or sets the most characters of grammar a schema may produce before it is refused.</summary>
    /// <value>1,000,000.</value>
    [Range(1000, GbnfGrammar.MaxLength)]
    public int MaxGrammarLength { get; set; } = 1_000_000;

    /// <summary>Creates a copy.</summary>
    /// <returns>The copy.</returns>
    public JsonGrammarOptions Clone() => (JsonGrammarOptions)MemberwiseClone();

    /// <summary>Checks every bound.</summary>
    /// <exception cref="ArgumentException">A bound is out of range; the message lists every one.</exception>
    public void Validate()
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true))
        {
            throw new ArgumentException(
                "Invalid JsonGrammarOptions: " + string.Join("; ", results.Select(r => $"{string.Join(", ", r.MemberNames)}: {r.ErrorMessage}")));
        }
    }
}
