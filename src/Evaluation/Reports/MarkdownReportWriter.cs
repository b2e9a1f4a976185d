using System.Globalization;
using System.Text;

namespace Agents.Evaluation;

/// <summary>Writes a report as Markdown: summary tables, deltas, pairwise, robustness, agreement, gates, worst items and the audit sample.</summary>
public static class MarkdownReportWriter
{
    /// <summary>Renders the report.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The Markdown text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is <see langword="null"/>.</exception>
    public static string Write(EvalReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        var run = report.Run;
        md.Append("# Evaluation report\n\n");
        md.Append(CultureInfo.InvariantCulture, $"{run.Items.Count} items, candidates: {string.Join(", ", run.Candidates)}, seed {run.Seed}. Gates: {(report.Gates.Count == 0 ? "none" : report.Passed ? "passed" : "**FAILED**")}.\n\n");
        md.Append("## Metrics (mean ± sd)\n\n| metric | ").Append(string.Join(" | ", run.Candidates)).Append(" |\n|---|").Append(string.Concat(run.Candidates.Select(_ => "---|"))).Append('\n');
        foreach (var metric in report.Metrics.Concat(EvalReport.OperationalMetrics))
        {
            md.Append(CultureInfo.InvariantCulture, $"| {metric} | ").Append(string.Join(" | ", run.Candidates.Select(c =>
            {
                var s = report.Summary[c][metric];
                return s.Count == 0 ? "–" : $"{ReportFormat.Number(s.Mean)} ± {ReportFormat.Number(s.StandardDeviation)}";
            }))).Append(" |\n");
        }

        md.Append("| errors | ").Append(string.Join(" | ", run.Candidates.Select(c => report.Errors[c].ToString(System.Globalization.CultureInfo.InvariantCulture)))).Append(" |\n\n");
        if (report.Deltas.Count > 0)
        {
            md.Append("## A vs B (B − A, 95% bootstrap interval)\n\n| metric | A | B | delta | interval | n |\n|---|---|---|---|---|---|\n");
            foreach (var d in report.Deltas)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {d.Metric} | {Cell(d.Baseline)} | {Cell(d.Candidate)} | {ReportFormat.Signed(d.MeanDelta)}{(d.Significant ? " *" : string.Empty)} | [{ReportFormat.Number(d.Lower)}, {ReportFormat.Number(d.Upper)}] | {d.Count} |\n");
            }

            md.Append("\n\\* the interval excludes 0.\n\n");
        }

        if (report.Pairwise.Count > 0)
        {
            md.Append("## Pairwise judge (both orders)\n\n| A | B | A wins | B wins | ties | failed | consistent |\n|---|---|---|---|---|---|---|\n");
            foreach (var p in report.Pairwise)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {Cell(p.Baseline)} | {Cell(p.Candidate)} | {p.WinsA} | {p.WinsB} | {p.Ties} | {p.Failed} | {ReportFormat.Number(p.ConsistencyRate)} |\n");
            }

            md.Append('\n');
        }

        if (report.Robustness.Count > 0)
        {
            md.Append("## Robustness (drop = original − variant)\n\n| candidate | variant | metric | original | variant | drop | errors |\n|---|---|---|---|---|---|---|\n");
            foreach (var r in report.Robustness)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {Cell(r.Candidate)} | {r.Variant} | {r.Metric} | {ReportFormat.Number(r.BaselineMean)} | {ReportFormat.Number(r.VariantMean)} | {ReportFormat.Signed(r.Drop)} | {ReportFormat.Number(r.ErrorRate)} |\n");
            }

            md.Append('\n');
        }

        if (report.Agreement.Count > 0)
        {
            md.Append("## Judge agreement with humans\n\n| kind | source | Cohen's kappa | raw agreement | n |\n|---|---|---|---|---|\n");
            foreach (var a in report.Agreement)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {a.Kind} | {a.Source} | {ReportFormat.Number(a.Kappa)} | {ReportFormat.Number(a.Agreement)} | {a.Count} |\n");
            }

            md.Append('\n');
        }

        if (report.Gates.Count > 0)
        {
            md.Append("## Gates\n\n| gate | candidate | value | result |\n|---|---|---|---|\n");
            foreach (var g in report.Gates)
            {
                md.Append(CultureInfo.InvariantCulture, $"| `{g.Expression}` | {Cell(g.Candidate)} | {ReportFormat.Number(g.Value)} | {(g.Failed ? "FAILED" : "passed")} |\n");
            }

            md.Append('\n');
        }

        md.Append(CultureInfo.InvariantCulture, $"## Worst items{(report.PrimaryMetric is null ? string.Empty : $" by {report.PrimaryMetric}")}\n\n| candidate | item | score | output |\n|---|---|---|---|\n");
        foreach (var r in report.WorstItems)
        {
            var score = report.PrimaryMetric is null ? null : EvalReport.Value(r, report.PrimaryMetric);
            md.Append(CultureInfo.InvariantCulture, $"| {Cell(r.Candidate)} | {Cell(r.ItemId)} | {(score is { } v ? ReportFormat.Number(v) : "–")} | {Cell(r.Error is null ? ReportFormat.Excerpt(r.Output) : "error: " + ReportFormat.Excerpt(r.Error))} |\n");
        }

        md.Append("\n## Audit sample\n\n").Append(string.Join(", ", report.AuditSample.Select(Cell))).Append('\n');
        return md.ToString();
    }

    // Table cells: no pipes or line breaks from model output.
    private static string Cell(string text) => text.ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal);
}
