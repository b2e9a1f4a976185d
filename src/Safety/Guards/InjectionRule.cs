using System.Buffers;
using System.Text.RegularExpressions;

namespace Agents.Safety.Guards;

/// <summary>
/// One scoring rule: a pattern, the weight its match adds and its category. The pattern only runs when one of its
/// trigger words occurs (a vectorised search), which keeps clean text cheap.
/// </summary>
internal sealed class InjectionRule(string category, double weight, Regex pattern, params string[] triggers)
{
    private readonly SearchValues<string> _triggers = SearchValues.Create(triggers, StringComparison.OrdinalIgnoreCase);

    public string Category { get; } = category;

    public double Weight { get; } = weight;

    public Regex Pattern { get; } = pattern;

    public bool MayMatch(ReadOnlySpan<char> text) => text.IndexOfAny(_triggers) >= 0;
}
