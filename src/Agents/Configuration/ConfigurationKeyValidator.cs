using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Agents.Configuration;

/// <summary>
/// Validates options at start-up with <see cref="OptionsValidator"/> (data annotations and
/// <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>, nested sections included), and reports each
/// failure under the configuration key it was bound from, so a user knows which line of
/// <c>appsettings.json</c> to fix.
/// </summary>
/// <typeparam name="TOptions">The options type.</typeparam>
/// <param name="optionsName">The named-options name this validator applies to.</param>
/// <param name="sectionPath">The configuration path the options were bound from, e.g. <c>Agents:Llama</c>.</param>
public sealed class ConfigurationKeyValidator<TOptions>(string? optionsName, string? sectionPath) : IValidateOptions<TOptions>
    where TOptions : class
{
    private readonly IConfiguration? _section;

    /// <summary>
    /// Initializes a validator that also reports every key under <paramref name="section"/> that <typeparamref name="TOptions"/>
    /// does not bind (see <see cref="UnknownConfigurationKeys"/>), a typo otherwise ignored without a word.
    /// </summary>
    /// <param name="optionsName">The named-options name this validator applies to.</param>
    /// <param name="sectionPath">The configuration path the options were bound from, e.g. <c>Agents:OpenAI</c>.</param>
    /// <param name="section">The configuration section the options were bound from; <see langword="null"/> checks no keys.</param>
    public ConfigurationKeyValidator(string? optionsName, string? sectionPath, IConfiguration? section)
        : this(optionsName, sectionPath)
    {
        _section = section;
    }

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (optionsName is not null && !string.Equals(optionsName, name, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = OptionsValidator.GetErrors(options, sectionPath);
        if (_section is not null)
        {
            failures = [.. UnknownConfigurationKeys.Find(_section, typeof(TOptions)), .. failures];
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
