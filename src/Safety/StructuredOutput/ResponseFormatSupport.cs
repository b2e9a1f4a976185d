using System.Runtime.CompilerServices;

namespace Agents.Safety.StructuredOutput;

/// <summary>
/// What has been observed about a generator's handling of a JSON-schema response format. Capability-probed, not
/// assumed: every answer is a probe; a generator that reports the format as ignored, or answers a native-format request
/// with something that is not schema-valid JSON, is remembered as ignoring it, and from then on the schema is also
/// written into the prompt. Validation never depends on this: every answer is validated.
/// </summary>
public enum ResponseFormatSupport
{
    /// <summary>Nothing observed yet: the generator's metadata decides.</summary>
    Unknown,

    /// <summary>A native-format answer validated against its schema.</summary>
    Honoured,

    /// <summary>The generator reported the format as ignored, or answered a native-format request with invalid output.</summary>
    Ignored,
}

/// <summary>Remembers, per generator instance, what <see cref="ResponseFormatSupport"/> has been observed.</summary>
internal static class ResponseFormatProbe
{
    /// <summary>The key under which hosted backends list the options they did not send (see the HTTP backends' IgnoredOptions).</summary>
    public const string IgnoredOptionsKey = "agents.ignored_options";

    private static readonly ConditionalWeakTable<IGenerator, StrongBox<int>> s_observed = [];

    public static ResponseFormatSupport Get(IGenerator generator) =>
        s_observed.TryGetValue(generator, out var box) ? (ResponseFormatSupport)Volatile.Read(ref box.Value) : ResponseFormatSupport.Unknown;

    public static void Record(IGenerator generator, ResponseFormatSupport support)
    {
        var box = s_observed.GetValue(generator, static _ => new StrongBox<int>());

        // "Ignored" sticks: one honoured answer does not prove the next will be constrained.
        if (support == ResponseFormatSupport.Ignored || (ResponseFormatSupport)Volatile.Read(ref box.Value) == ResponseFormatSupport.Unknown)
        {
            Volatile.Write(ref box.Value, (int)support);
        }
    }

    /// <summary>Whether the result says the backend did not send the response format at all.</summary>
    public static bool ReportsFormatIgnored(IDictionary<string, object?>? properties) =>
        properties is not null
        && properties.TryGetValue(IgnoredOptionsKey, out var value)
        && value is IEnumerable<string> names
        && names.Contains(nameof(GenerationOptions.ResponseFormat), StringComparer.Ordinal);
}
