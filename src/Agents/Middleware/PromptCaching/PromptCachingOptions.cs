using System.ComponentModel.DataAnnotations;

namespace Agents;

/// <summary>
/// How <see cref="PromptCachingGenerator"/> marks the stable prefix of requests. Checked by
/// <see cref="Configuration.OptionsValidator"/> (every bad setting at once, each under its key).
/// </summary>
public sealed class PromptCachingOptions : IValidatableObject
{
    /// <summary>The default key of <see cref="TenantKeyProperty"/>.</summary>
    public const string DefaultTenantKeyProperty = "tenant_key";

    /// <summary>Gets or sets where the stable prefix ends.</summary>
    /// <value><see cref="StablePrefixBoundary.AllButLastMessage"/>.</value>
    public StablePrefixBoundary Boundary { get; set; } = StablePrefixBoundary.AllButLastMessage;

    /// <summary>
    /// Gets or sets whether the leading system messages (a common system prompt) are marked shared, so every
    /// tenant may reuse their cached state. Only switch this on when the system prompt holds nothing tenant-specific.
    /// </summary>
    /// <value><see langword="false"/>: nothing is shared across tenants.</value>
    public bool ShareSystemPrompt { get; set; }

    /// <summary>Gets or sets whether the tool definitions are marked stable.</summary>
    /// <value><see langword="true"/>.</value>
    public bool ToolsAreStable { get; set; } = true;

    /// <summary>
    /// Gets or sets the function that names the tenant a request belongs to. When it is <see langword="null"/> or
    /// returns <see langword="null"/>, the string stored under <see cref="TenantKeyProperty"/> in the request's
    /// <see cref="GenerationOptions.AdditionalProperties"/> is used if <see cref="ReadTenantKeyFromProperties"/> is on;
    /// otherwise the request is anonymous.
    /// </summary>
    /// <value><see langword="null"/>.</value>
    public Func<GenerationRequest, string?>? TenantKeySelector { get; set; }

    /// <summary>
    /// Gets or sets whether the tenant key may be read from the request's <see cref="GenerationOptions.AdditionalProperties"/>
    /// (under <see cref="TenantKeyProperty"/>). Switch it on only when the application, not its end users, fills those
    /// properties: a tenant key chosen by the caller would let one user read another's cached prefix lengths.
    /// </summary>
    /// <value><see langword="false"/>: only <see cref="TenantKeySelector"/> names tenants.</value>
    public bool ReadTenantKeyFromProperties { get; set; }

    /// <summary>Gets or sets the key in <see cref="GenerationOptions.AdditionalProperties"/> that holds the tenant key.</summary>
    /// <value><see cref="DefaultTenantKeyProperty"/>.</value>
    public string TenantKeyProperty { get; set; } = DefaultTenantKeyProperty;

    /// <summary>Returns a copy of these options.</summary>
    /// <returns>The copy.</returns>
    public PromptCachingOptions Clone() => (PromptCachingOptions)MemberwiseClone();

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(Boundary))
        {
            yield return new ValidationResult($"{nameof(Boundary)} is not a known boundary ({Boundary}).", [nameof(Boundary)]);
        }

        if (string.IsNullOrWhiteSpace(TenantKeyProperty))
        {
            yield return new ValidationResult($"{nameof(TenantKeyProperty)} must not be empty.", [nameof(TenantKeyProperty)]);
        }
    }
}
