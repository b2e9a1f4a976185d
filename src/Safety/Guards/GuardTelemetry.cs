using System.Diagnostics.Metrics;

namespace Agents.Safety.Guards;

/// <summary>The guard metrics: one count per inspection (by source and action) and one per finding (by source and category).</summary>
internal sealed class GuardTelemetry : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Agents.Safety.Guards";

    /// <summary>Counts inspections; tags <c>source</c> and <c>action</c> (<c>allowed</c>, <c>flagged</c>, <c>stripped</c>, <c>blocked</c>).</summary>
    public const string InspectionsInstrument = "agents.guards.inspections";

    /// <summary>Counts findings; tags <c>source</c> and <c>category</c>.</summary>
    public const string FindingsInstrument = "agents.guards.findings";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _inspections;
    private readonly Counter<long> _findings;

    public GuardTelemetry(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _inspections = _meter.CreateCounter<long>(InspectionsInstrument, "{inspection}", "Input guard inspections, by source and action.");
        _findings = _meter.CreateCounter<long>(FindingsInstrument, "{finding}", "Input guard findings, by source and category.");
    }

    public void Record(ContentSource source, string action, IReadOnlyList<string> findings)
    {
        var sourceName = SourceName(source);
        _inspections.Add(1, new("source", sourceName), new("action", action));
        foreach (var finding in findings)
        {
            _findings.Add(1, new("source", sourceName), new("category", finding));
        }
    }

    public static string SourceName(ContentSource source) => source switch
    {
        ContentSource.UserInput => "user_input",
        ContentSource.RetrievedPassage => "retrieved_passage",
        ContentSource.ToolResult => "tool_result",
        _ => "unknown",
    };

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
