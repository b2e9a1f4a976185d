namespace Agents.Backends.Http;

/// <summary>
/// Collects the generation options a provider cannot honour, so they are reported (a warning log and
/// <see cref="GenerationResult.AdditionalProperties"/>) instead of dropped silently.
/// </summary>
internal sealed class IgnoredOptions
{
    /// <summary>The key under which the names of the options not sent are reported, as a <c>string[]</c>.</summary>
    public const string PropertyKey = "agents.ignored_options";

    private List<string>? _names;

    public IReadOnlyList<string> Names => _names ?? (IReadOnlyList<string>)[];

    public void Add(string optionName) => (_names ??= []).Add(optionName);

    /// <summary>Adds the report to <paramref name="properties"/> when anything was ignored.</summary>
    public IDictionary<string, object?>? AttachTo(IDictionary<string, object?>? properties)
    {
        if (_names is null)
        {
            return properties;
        }

        properties ??= new Dictionary<string, object?>(StringComparer.Ordinal);
        properties[PropertyKey] = _names.ToArray();
        return properties;
    }
}
