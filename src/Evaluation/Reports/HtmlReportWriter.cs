using System.Globalization;
using System.Net;
using System.Text;

namespace Agents.Evaluation;

/// <summary>
/// Writes a report as one self-contained HTML page (inline CSS and SVG, no script, no external resource): per-metric
/// tables, score distributions, the latency histogram, A-vs-B deltas with bootstrap intervals, pairwise tallies,
/// robustness drops, agreement, gates, the worst items and the random audit sample. All text from the dataset and the
/// models is HTML-encoded.
/// </summary>
public static class HtmlReportWriter
{
    private const string Style =
        "body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}"
        + "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top;font-size:13px}th{background:#f3f3f3}"
        + ".fail{color:#b00;font-weight:bold}.pass{color:#070}.charts{display:flex;flex-wrap:wrap;gap:16px}.legend span{margin-right:1em}"
        + "td.text{max-width:40em;white-space:pre-wrap}";

    /// <summary>Renders the report.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The HTML page.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is <see langword="null"/>.</exception>
    public static string Write(EvalReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var run = report.Run;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Evaluation report</title><style>").Append(Style).Append("</style></head><body>");
        html.Append("<h1>Evaluation report</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p>{run.Items.Count} items · candidates: {E(string.Join(", ", run.Candidates))} · seed {run.Seed} · gates: ");
        html.Append(report.Gates.Count == 0 ? "none" : report.Passed ? "<span class=\"pass\">passed</span>" : "<span class=\"fail\">FAILED</span>").Append("</p>");
        html.Append("<p class=\"legend\">").Append(string.Concat(run.Candidates.Select((c, i) => $"<span style=\"color:{SvgCharts.Color(i)}\">■ {E(c)}</span>"))).Append("</p>");

        html.Append("<h2 id=\"metrics\">Metrics</h2><table class=\"metrics\"><tr><th>metric</th>");
        foreach (var c in run.Candidates)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th>{E(c)} mean</th><th>sd</th><th>median</th><th>p95</th><th>n</th>");
        }

        html.Append("</tr>");
        foreach (var metric in report.Metrics.Concat(EvalReport.OperationalMetrics))
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(metric)}</td>");
            foreach (var c in run.Candidates)
            {
                var s = report.Summary[c][metric];
                html.Append(CultureInfo.InvariantCulture, $"<td>{N(s.Mean)}</td><td>{N(s.StandardDeviation)}</td><td>{N(s.Median)}</td><td>{N(s.P95)}</td><td>{s.Count}</td>");
            }

            html.Append("</tr>");
        }

        html.Append("<tr><td>errors</td>").Append(string.Concat(run.Candidates.Select(c => $"<td colspan=\"5\">{report.Errors[c]}</td>"))).Append("</tr></table>");

        html.Append("<h2 id=\"distributions\">Score distributions</h2><div class=\"charts\">");
        var baseline = run.Baseline.ToList();
        foreach (var metric in report.Metrics)
        {
            var series = run.Candidates.Select(c => (c, (IReadOnlyList<double>)[.. baseline.Where(r => r.Candidate == c).Select(r => EvalReport.Value(r, metric)).OfType<double>()])).ToList();
            var unit = series.SelectMany(s => s.Item2).All(v => v is >= 0 and <= 1);
            html.Append(SvgCharts.Histogram(metric, series, 10, unit ? 0 : null, unit ? 1 : null));
        }

        html.Append("</div><h2 id=\"latency\">Latency</h2><div class=\"charts\">");
        html.Append(SvgCharts.Histogram("latency (ms)", [.. run.Candidates.Select(c => (c, (IReadOnlyList<double>)[.. baseline.Where(r => r.Candidate == c).Select(r => r.LatencyMs)]))], 12, 0));
        html.Append("</div>");

        if (report.Deltas.Count > 0)
        {
            html.Append("<h2 id=\"deltas\">A vs B</h2><div class=\"charts\">").Append(SvgCharts.Intervals($"B − A with 95% bootstrap intervals (A = {run.Candidates[0]})", report.Deltas)).Append("</div>");
            html.Append("<table class=\"deltas\"><tr><th>metric</th><th>A</th><th>B</th><th>B − A</th><th>95% interval</th><th>n</th></tr>");
            foreach (var d in report.Deltas)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(d.Metric)}</td><td>{E(d.Baseline)}</td><td>{E(d.Candidate)}</td><td{(d.Significant ? " class=\"fail\"" : string.Empty)}>{E(ReportFormat.Signed(d.MeanDelta))}</td><td>[{N(d.Lower)}, {N(d.Upper)}]</td><td>{d.Count}</td></tr>");
            }

            html.Append("</table>");
        }

        if (report.Pairwise.Count > 0)
        {
            html.Append("<h2 id=\"pairwise\">Pairwise judge</h2><table class=\"pairwise\"><tr><th>A</th><th>B</th><th>A wins</th><th>B wins</th><th>ties</th><th>failed</th><th>consistent across orders</th></tr>");
            foreach (var p in report.Pairwise)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(p.Baseline)}</td><td>{E(p.Candidate)}</td><td>{p.WinsA}</td><td>{p.WinsB}</td><td>{p.Ties}</td><td>{p.Failed}</td><td>{N(p.ConsistencyRate)}</td></tr>");
            }

            html.Append("</table>");
        }

        if (report.Robustness.Count > 0)
        {
            html.Append("<h2 id=\"robustness\">Robustness</h2><table class=\"robustness\"><tr><th>candidate</th><th>variant</th><th>metric</th><th>original</th><th>variant</th><th>drop</th><th>error rate</th></tr>");
            foreach (var r in report.Robustness)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(r.Candidate)}</td><td>{E(r.Variant)}</td><td>{E(r.Metric)}</td><td>{N(r.BaselineMean)}</td><td>{N(r.VariantMean)}</td><td>{E(ReportFormat.Signed(r.Drop))}</td><td>{N(r.ErrorRate)}</td></tr>");
            }

            html.Append("</table>");
        }

        if (report.Agreement.Count > 0)
        {
            html.Append("<h2 id=\"agreement\">Judge agreement with humans</h2><table class=\"agreement\"><tr><th>kind</th><th>source</th><th>Cohen's kappa</th><th>raw agreement</th><th>n</th></tr>");
            foreach (var a in report.Agreement)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(a.Kind)}</td><td>{E(a.Source)}</td><td>{N(a.Kappa)}</td><td>{N(a.Agreement)}</td><td>{a.Count}</td></tr>");
            }

            html.Append("</table>");
        }

        if (report.Gates.Count > 0)
        {
            html.Append("<h2 id=\"gates\">Gates</h2><table class=\"gates\"><tr><th>gate</th><th>candidate</th><th>value</th><th>result</th></tr>");
            foreach (var g in report.Gates)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td><code>{E(g.Expression)}</code></td><td>{E(g.Candidate)}</td><td>{N(g.Value)}</td><td class=\"{(g.Failed ? "fail\">FAILED" : "pass\">passed")}</td></tr>");
            }

            html.Append("</table>");
        }

        var items = run.Items.ToDictionary(i => i.Id, StringComparer.Ordinal);
        html.Append(CultureInfo.InvariantCulture, $"<h2 id=\"worst\">Worst items{(report.PrimaryMetric is null ? string.Empty : " by " + E(report.PrimaryMetric))}</h2><table class=\"worst\"><tr><th>candidate</th><th>item</th><th>score</th><th>input</th><th>reference</th><th>output</th></tr>");
        foreach (var r in report.WorstItems)
        {
            var score = report.PrimaryMetric is null ? null : EvalReport.Value(r, report.PrimaryMetric);
            items.TryGetValue(r.ItemId, out var item);
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(r.Candidate)}</td><td>{E(r.ItemId)}</td><td>{(score is { } v ? N(v) : "–")}</td><td class=\"text\">{E(ReportFormat.Excerpt(item?.Input, 400))}</td><td class=\"text\">{E(ReportFormat.Excerpt(item?.Reference, 400))}</td><td class=\"text\">{E(r.Error is null ? ReportFormat.Excerpt(r.Output, 400) : "error: " + r.Error)}</td></tr>");
        }

        html.Append("</table><h2 id=\"audit\">Random audit sample</h2><table class=\"audit\"><tr><th>item</th><th>input</th><th>reference</th>");
        html.Append(string.Concat(run.Candidates.Select(c => $"<th>{E(c)}</th>"))).Append("</tr>");
        var results = baseline.ToDictionary(r => (r.Candidate, r.ItemId));
        foreach (var id in report.AuditSample)
        {
            items.TryGetValue(id, out var item);
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(id)}</td><td class=\"text\">{E(ReportFormat.Excerpt(item?.Input, 400))}</td><td class=\"text\">{E(ReportFormat.Excerpt(item?.Reference, 400))}</td>");
            foreach (var c in run.Candidates)
            {
                html.Append(CultureInfo.InvariantCulture, $"<td class=\"text\">{E(results.TryGetValue((c, id), out var r) ? (r.Error is null ? ReportFormat.Excerpt(r.Output, 400) : "error: " + r.Error) : string.Empty)}</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</table></body></html>");
        return html.ToString();
    }

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    private static string N(double value) => ReportFormat.Number(value);
}
