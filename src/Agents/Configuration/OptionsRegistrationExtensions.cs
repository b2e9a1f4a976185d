using Agents.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Binds options from configuration and validates them when the host starts.</summary>
public static class OptionsRegistrationExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from <paramref name="section"/> (for example a section of
    /// <c>appsettings.json</c>) and validates it at start-up with its data annotations and
    /// <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>. A failure names the full
    /// configuration key of each bad value, e.g. <c>Agents:Llama:ContextSize</c>, and every key under the section that
    /// no property binds, e.g. <c>Agents:OpenAI:Modle</c> (did you mean <c>Model</c>?).
    /// </summary>
    /// <typeparam name="TOptions">The options type.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The configuration section to bind.</param>
    /// <param name="name">The named-options name; <see cref="Microsoft.Extensions.Options.Options.DefaultName"/> by default.</param>
    /// <returns>The options builder, for further configuration.</returns>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(
        this IServiceCollection services, IConfiguration section, string? name = null)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        name ??= Options.Options.DefaultName;
        // OptionsBinder also fills the sections marked [FlattenedSection] from this section's keys; the change-token source
        // is what OptionsBuilder.Bind would register, so reloaded configuration still reaches IOptionsMonitor.
        var builder = services.AddOptions<TOptions>(name).Configure(o => OptionsBinder.Bind(section, o));
        services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(new ConfigurationChangeTokenSource<TOptions>(name, section));
        services.AddSingleton<IValidateOptions<TOptions>>(new ConfigurationKeyValidator<TOptions>(name, (section as IConfigurationSection)?.Path, section));
        return builder.ValidateOnStart();
    }
}
