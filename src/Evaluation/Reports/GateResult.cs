namespace Agents.Evaluation;

/// <summary>The outcome of one CI gate for one candidate.</summary>
/// <param name="Expression">The gate as written, e.g. "rougeL&lt;0.3".</param>
/// <param name="Candidate">The candidate checked.</param>
/// <param name="Value">The candidate's mean of the metric; NaN when it was not computed.</param>
/// <param name="Failed">Whether the gate's condition held (or the metric was missing): the run fails.</param>
public sealed record GateResult(string Expression, string Candidate, double Value, bool Failed);
