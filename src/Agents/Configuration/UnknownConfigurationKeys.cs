using System.Collections;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Agents.Configuration;

/// <summary>
/// Finds the keys under a configuration section that no property of the options type binds (a typo such as
/// <c>Agents:OpenAI:Modle</c>), which the configuration binder would otherwise ignore without a word. The settings of a
/// <see cref="FlattenedSectionAttribute"/> section are known at their parent's level, and the section's own name is not.
/// </summary>
public static class UnknownConfigurationKeys
{
    /// <summary>Lists one error per key under <paramref name="section"/> that <paramref name="optionsType"/> does not bind.</summary>
    /// <param name="section">The section the options are bound from.</param>
    /// <param name="optionsType">The options type.</param>
    /// <returns>The errors, each naming the full configuration key (and the closest setting when one is near); empty when every key is known.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Options types are bound by the reflection-based configuration binder anyway.")]
    public static IReadOnlyList<string> Find(IConfiguration section, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type optionsType)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(optionsType);
        var errors = new List<string>();
        Walk(section, optionsType, errors);
        return errors;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Options types are bound by the reflection-based configuration binder anyway.")]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Options types are bound by the reflection-based configuration binder anyway.")]
    private static void Walk(IConfiguration section, Type type, List<string> errors)
    {
        var properties = BindableProperties(type);
        foreach (var child in section.GetChildren())
        {
            if (!properties.TryGetValue(child.Key, out var property))
            {
                var suggestion = Closest(child.Key, properties.Keys);
                errors.Add(suggestion is null
                    ? $"{child.Path}: unknown setting; {type.Name} has no property '{child.Key}'."
                    : $"{child.Path}: unknown setting; {type.Name} has no property '{child.Key}' (did you mean '{suggestion}'?).");
                continue;
            }

            WalkValue(child, property.PropertyType, errors);
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2062", Justification = "Options types are bound by the reflection-based configuration binder anyway.")]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Options types are bound by the reflection-based configuration binder anyway.")]
    private static void WalkValue(IConfigurationSection section, Type type, List<string> errors)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsLeaf(type) || IsDictionary(type))
        {
            // A leaf's children are the binder's business (it reports conversion errors); a dictionary takes any key.
            return;
        }

        if (ElementType(type) is { } element)
        {
            if (!IsLeaf(Nullable.GetUnderlyingType(element) ?? element))
            {
                foreach (var item in section.GetChildren())
                {
                    WalkValue(item, element, errors);
                }
            }

            return;
        }

        if (type.IsAbstract || type.IsInterface)
        {
            return;
        }

        Walk(section, type, errors);
    }

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Options types are bound by the reflection-based configuration binder anyway.")]
    private static Dictionary<string, PropertyInfo> BindableProperties(Type type)
    {
        var properties = new Dictionary<string, PropertyInfo>(StringComparer.OrdinalIgnoreCase);
        AddBindableProperties(type, properties, depth: 0);
        return properties;
    }

    // A flattened section contributes its own settings at this level instead of a key named after itself.
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Options types are bound by the reflection-based configuration binder anyway.")]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Options types are bound by the reflection-based configuration binder anyway.")]
    private static void AddBindableProperties(Type type, Dictionary<string, PropertyInfo> properties, int depth)
    {
        for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            foreach (var property in current.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                if (property.GetMethod is null || property.GetIndexParameters().Length > 0)
                {
                    continue;
                }

                if (OptionsBinder.IsFlattened(property) && depth < 4)
                {
                    AddBindableProperties(property.PropertyType, properties, depth + 1);
                    continue;
                }

                var name = property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;
                properties.TryAdd(name, property);
            }
        }
    }

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(object)
        || type == typeof(TimeSpan) || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Guid)
        || type == typeof(Uri) || type == typeof(DateOnly) || type == typeof(TimeOnly)
        || TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string));

    private static bool IsDictionary(Type type) =>
        typeof(IDictionary).IsAssignableFrom(type)
        || (type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(Dictionary<,>)))
        || type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>))
        {
            return type.GetGenericArguments()[0];
        }

        return type.GetInterfaces()
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            ?.GetGenericArguments()[0];
    }

    // The nearest property name within two edits, so "Modle" suggests "Model".
    private static string? Closest(string key, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = 3;
        foreach (var candidate in candidates)
        {
            var distance = Distance(key.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    // Optimal string alignment distance: a swap of two neighbouring letters ("Modle") counts as one edit.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
