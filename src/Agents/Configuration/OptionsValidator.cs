using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;

namespace Agents.Configuration;

/// <summary>
/// The one way options are checked in this SDK: data annotations and <see cref="IValidatableObject"/> on the options
/// and on their nested sections (properties whose type is a class of the same assembly), every failure reported
/// under its configuration key (<c>Agents:Llama:PrefixCache:MaxBytes</c>; a <see cref="FlattenedSectionAttribute"/> section's
/// under its parent's, <c>Agents:Llama:MaxConcurrentSequences</c>), all of them at once.
/// <see cref="ConfigurationKeyValidator{TOptions}"/> uses it at start-up; constructors taking options in code use
/// <see cref="ThrowIfInvalid{TOptions}(TOptions, string?)"/>.
/// </summary>
public static class OptionsValidator
{
    /// <summary>Returns every failure of <paramref name="options"/>, each as <c>key: message</c>.</summary>
    /// <typeparam name="TOptions">The options type.</typeparam>
    /// <param name="options">The options to check.</param>
    /// <param name="sectionPath">The configuration path the options were bound from (e.g. <c>Agents:OpenAI</c>), prefixed to each key; <see langword="null"/> for bare property names.</param>
    /// <returns>The failures; empty when the options are valid.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<string> GetErrors<TOptions>(TOptions options, string? sectionPath = null)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        Collect(options, sectionPath, options.GetType().Assembly, errors, depth: 0);
        return errors;
    }

    /// <summary>Throws one <see cref="ArgumentException"/> listing every failure of <paramref name="options"/>.</summary>
    /// <typeparam name="TOptions">The options type.</typeparam>
    /// <param name="options">The options to check.</param>
    /// <param name="paramName">The parameter the options came in, named on the exception.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">At least one setting is invalid; the message lists each with its key.</exception>
    public static void ThrowIfInvalid<TOptions>(TOptions options, string? paramName = null)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(options, paramName);
        var errors = GetErrors(options);
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid {typeof(TOptions).Name}: {string.Join("; ", errors)}", paramName);
        }
    }

    private static void Collect(object options, string? path, Assembly home, List<string> errors, int depth)
    {
        var results = new List<ValidationResult>();
        var context = new ValidationContext(options);
        if (!Validator.TryValidateObject(options, context, results, validateAllProperties: true) && options is IValidatableObject validatable)
        {
            // The Validator skips IValidatableObject.Validate once an attribute failed; run it anyway (adding only what is
            // not listed yet, in case it did run), so one pass lists every bad key instead of one fix at a time.
            foreach (var result in validatable.Validate(context) ?? [])
            {
                if (!results.Exists(r => r.ErrorMessage == result.ErrorMessage && r.MemberNames.SequenceEqual(result.MemberNames)))
                {
                    results.Add(result);
                }
            }
        }

        foreach (var result in results)
        {
            var members = result.MemberNames.Any() ? result.MemberNames : [string.Empty];
            var keys = members.Select(m => Key(path, m));
            errors.Add($"{string.Join(", ", keys)}: {result.ErrorMessage}");
        }

        // Sections: nested option classes of the same assembly, bound from sub-sections of the same configuration.
        if (depth >= 4)
        {
            return;
        }

        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var type = property.PropertyType;
            if (property.GetIndexParameters().Length > 0 || !type.IsClass || type.Assembly != home
                || typeof(Delegate).IsAssignableFrom(type) || typeof(IEnumerable).IsAssignableFrom(type))
            {
                continue;
            }

            if (property.GetValue(options) is { } section)
            {
                // A flattened section's keys sit beside its parent's (Agents:Llama:ModelPath, not Agents:Llama:Load:ModelPath).
                Collect(section, OptionsBinder.IsFlattened(property) ? path : Key(path, property.Name), home, errors, depth + 1);
            }
        }
    }

    private static string Key(string? path, string member) =>
        string.IsNullOrEmpty(path) ? member : string.IsNullOrEmpty(member) ? path : $"{path}:{member}";
}
