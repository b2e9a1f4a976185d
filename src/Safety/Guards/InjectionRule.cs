using System.Text.RegularExpressions;

namespace Agents.Safety.Guards;

/// <summary>
/// One scoring rule: a pattern, the weight its match adds and its category. The pattern only runs when one of its
/// trigger words occurs (and, for rules that need two kinds of word, one of the second kind too); the scorer finds
/// every trigger of every rule in one vectorised pass, which keeps clean text cheap.
/// </summary>
internal sealed class InjectionRule(string category, double weight, Regex pattern, string[] triggers, string[]? alsoRequired = null)
{
    public string Category { get; } = category;

    public double Weight { get; } = weight;

    public Regex Pattern { get; } = pattern;

    /// <summary>Gets the trigger words, lower case; one must occur.</summary>
    public IReadOnlyList<string> Triggers { get; } = [.. triggers.Select(t => t.ToLowerInvariant())];

    /// <summary>Gets the second kind of trigger words, lower case; when set, one of these must occur too.</summary>
    public IReadOnlyList<string>? AlsoRequired { get; } = alsoRequired?.Select(t => t.ToLowerInvariant()).ToArray();
}
