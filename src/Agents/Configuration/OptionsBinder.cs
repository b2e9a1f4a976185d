using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Agents.Configuration;

/// <summary>
/// Binds options from a configuration section the way <see cref="ConfigurationBinder"/> does, plus the sections marked
/// <see cref="FlattenedSectionAttribute"/>, which are bound from the same section's keys.
/// <see cref="Microsoft.Extensions.DependencyInjection.OptionsRegistrationExtensions.AddValidatedOptions{TOptions}"/>
/// binds with it; call it yourself when you bind such options by hand (<c>section.Bind(options)</c> alone would leave
/// their flattened sections at their defaults).
/// </summary>
public static class OptionsBinder
{
    /// <summary>Binds <paramref name="options"/> and its flattened sections from <paramref name="section"/>.</summary>
    /// <param name="section">The configuration section, e.g. <c>Agents:Llama</c>.</param>
    /// <param name="options">The options to fill; changed in place.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">A value cannot be converted to its property's type (the binder's error).</exception>
    public static void Bind(IConfiguration section, object options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        BindLevel(section, options, depth: 0);
    }

    /// <summary>Whether <paramref name="property"/> is a section bound from its parent's keys.</summary>
    /// <param name="property">The property.</param>
    /// <returns><see langword="true"/> when it carries <see cref="FlattenedSectionAttribute"/> and holds a class.</returns>
    internal static bool IsFlattened(PropertyInfo property) =>
        property.PropertyType.IsClass && property.GetIndexParameters().Length == 0 && property.IsDefined(typeof(FlattenedSectionAttribute), inherit: true);

    private static void BindLevel(IConfiguration section, object options, int depth)
    {
        section.Bind(options, o => o.ErrorOnUnknownConfiguration = false);
        if (depth >= 4)
        {
            return;
        }

        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (IsFlattened(property) && property.GetValue(options) is { } flattened)
            {
                BindLevel(section, flattened, depth + 1);
            }
        }
    }
}
