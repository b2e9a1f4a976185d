using System.Diagnostics.Metrics;

namespace Agents.Safety.Validation;

/// <summary>The validation metrics: one count per check (per validator, passed or violated) and one per policy decision.</summary>
internal sealed class ValidationTelemetry : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Agents.Safety.Validation";

    /// <summary>Counts validator runs; tags <c>validator</c> and <c>result</c> (<c>passed</c> or <c>violated</c>).</summary>
    public const string ChecksInstrument = "agents.validation.checks";

    /// <summary>Counts policy decisions; tags <c>validator</c>, <c>policy</c> and <c>outcome</c>.</summary>
    public const string DecisionsInstrument = "agents.validation.decisions";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _checks;
    private readonly Counter<long> _decisions;

    public ValidationTelemetry(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _checks = _meter.CreateCounter<long>(ChecksInstrument, "{check}", "Output validator runs, by validator and result.");
        _decisions = _meter.CreateCounter<long>(DecisionsInstrument, "{decision}", "Validation policy decisions, by validator, policy and outcome.");
    }

    public void RecordCheck(string validator, int violationCount) =>
        _checks.Add(1, new("validator", validator), new("result", violationCount == 0 ? "passed" : "violated"));

    public void RecordDecision(string validator, ValidationPolicy policy, string outcome) =>
        _decisions.Add(1, new("validator", validator), new("policy", PolicyName(policy)), new("outcome", outcome));

    public static string PolicyName(ValidationPolicy policy) => policy switch
    {
        ValidationPolicy.Reject => "reject",
        ValidationPolicy.Redact => "redact",
        ValidationPolicy.Repair => "repair",
        ValidationPolicy.Fallback => "fallback",
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
