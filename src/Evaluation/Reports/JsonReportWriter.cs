using System.Text.Json;
using System.Text.Json.Nodes;

namespace Agents.Evaluation;

/// <summary>
/// Writes a report as JSON for CI: <c>{"passed", "items", "candidates", "metrics": {candidate: {metric: {mean, std,
/// min, max, median, p95, count}}}, "errors", "deltas", "pairwise", "robustness", "agreement", "gates", "audit_sample"}</c>.
/// Non-finite numbers are written as <c>null</c>.
/// </summary>
public static class JsonReportWriter
{
    /// <summary>Renders the report.</summary>
    /// <param name="report">The report.</param>
    /// <returns>Indented JSON.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is <see langword="null"/>.</exception>
    public static string Write(EvalReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var metrics = new JsonObject();
        foreach (var (candidate, summaries) in report.Summary)
        {
            var perMetric = new JsonObject();
            foreach (var (metric, s) in summaries)
            {
                perMetric[metric] = new JsonObject
                {
                    ["mean"] = N(s.Mean), ["std"] = N(s.StandardDeviation), ["min"] = N(s.Min), ["max"] = N(s.Max),
                    ["median"] = N(s.Median), ["p95"] = N(s.P95), ["count"] = s.Count,
                };
            }

            metrics[candidate] = perMetric;
        }

        var root = new JsonObject
        {
            ["passed"] = report.Passed,
            ["items"] = report.Run.Items.Count,
            ["candidates"] = new JsonArray([.. report.Run.Candidates.Select(c => (JsonNode?)c)]),
            ["metrics"] = metrics,
            ["errors"] = new JsonObject(report.Errors.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))),
            ["deltas"] = new JsonArray([.. report.Deltas.Select(d => (JsonNode?)new JsonObject
            {
                ["metric"] = d.Metric, ["baseline"] = d.Baseline, ["candidate"] = d.Candidate, ["mean_delta"] = N(d.MeanDelta),
                ["ci_lower"] = N(d.Lower), ["ci_upper"] = N(d.Upper), ["count"] = d.Count, ["significant"] = d.Significant,
            })]),
            ["pairwise"] = new JsonArray([.. report.Pairwise.Select(p => (JsonNode?)new JsonObject
            {
                ["baseline"] = p.Baseline, ["candidate"] = p.Candidate, ["wins_a"] = p.WinsA, ["wins_b"] = p.WinsB, ["ties"] = p.Ties,
                ["failed"] = p.Failed, ["consistency"] = N(p.ConsistencyRate),
            })]),
            ["robustness"] = new JsonArray([.. report.Robustness.Select(r => (JsonNode?)new JsonObject
            {
                ["candidate"] = r.Candidate, ["variant"] = r.Variant, ["metric"] = r.Metric, ["baseline_mean"] = N(r.BaselineMean),
                ["variant_mean"] = N(r.VariantMean), ["drop"] = N(r.Drop), ["error_rate"] = N(r.ErrorRate),
            })]),
            ["agreement"] = new JsonArray([.. report.Agreement.Select(a => (JsonNode?)new JsonObject
            {
                ["kind"] = a.Kind, ["source"] = a.Source, ["kappa"] = N(a.Kappa), ["agreement"] = N(a.Agreement), ["count"] = a.Count,
            })]),
            ["gates"] = new JsonArray([.. report.Gates.Select(g => (JsonNode?)new JsonObject
            {
                ["expression"] = g.Expression, ["candidate"] = g.Candidate, ["value"] = N(g.Value), ["failed"] = g.Failed,
            })]),
            ["audit_sample"] = new JsonArray([.. report.AuditSample.Select(id => (JsonNode?)id)]),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonValue? N(double value) => double.IsFinite(value) ? JsonValue.Create(Math.Round(value, 6)) : null;
}
