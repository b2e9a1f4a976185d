using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Agents.Configuration;

/// <summary>
/// Validates options with their data annotations and <see cref="IValidatableObject"/>, and reports each
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

        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        if (results.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = results.Select(r =>
        {
            var members = r.MemberNames.Any() ? r.MemberNames : [string.Empty];
            var keys = members.Select(m => string.IsNullOrEmpty(sectionPath) ? m : string.IsNullOrEmpty(m) ? sectionPath : $"{sectionPath}:{m}");
            return $"{string.Join(", ", keys)}: {r.ErrorMessage}";
        });
        return ValidateOptionsResult.Fail(failures);
    }
}
