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
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (optionsName is not null && !string.Equals(optionsName, name, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = OptionsValidator.GetErrors(options, sectionPath);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
