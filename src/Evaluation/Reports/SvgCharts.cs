using System.Globalization;
using System.Net;
using System.Text;

namespace Agents.Evaluation;

/// <summary>Small inline SVG charts: no script, no external file, so the HTML report opens anywhere.</summary>
internal static class SvgCharts
{
    private static readonly string[] s_colors = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7"];

    public static string Color(int index) => s_colors[index % s_colors.Length];

    /// <summary>A histogram with one bar per series in each bin.</summary>
    public static string Histogram(string title, IReadOnlyList<(string Name, IReadOnlyList<double> Values)> series, int bins, double? fixedMin = null, double? fixedMax = null)
    {
        const int width = 420, height = 180, left = 36, bottom = 28, top = 22;
        var all = series.SelectMany(s => s.Values).Where(double.IsFinite).ToList();
        var min = fixedMin ?? (all.Count == 0 ? 0 : all.Min());
        var max = fixedMax ?? (all.Count == 0 ? 1 : all.Max());
        if (max <= min)
        {
            max = min + 1;
        }

        var counts = series.Select(s =>
        {
            var c = new int[bins];
            foreach (var v in s.Values.Where(double.IsFinite))
            {
                c[Math.Clamp((int)((v - min) / (max - min) * bins), 0, bins - 1)]++;
            }

            return c;
        }).ToList();
        var peak = Math.Max(1, counts.SelectMany(c => c).DefaultIfEmpty(0).Max());
        var plotWidth = width - left - 8;
        var plotHeight = height - top - bottom;
        var binWidth = (double)plotWidth / bins;
        var barWidth = binWidth / Math.Max(1, series.Count);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart histogram\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{Encode(title)}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"14\" font-size=\"12\" font-weight=\"bold\">{Encode(title)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{top + plotHeight}\" x2=\"{width - 8}\" y2=\"{top + plotHeight}\" stroke=\"#333\"/>");
        for (var s = 0; s < counts.Count; s++)
        {
            for (var b = 0; b < bins; b++)
            {
                if (counts[s][b] == 0)
                {
                    continue;
                }

                var h = (double)counts[s][b] / peak * plotHeight;
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect x=\"{left + (b * binWidth) + (s * barWidth):0.#}\" y=\"{top + plotHeight - h:0.#}\" width=\"{Math.Max(1, barWidth - 1):0.#}\" height=\"{h:0.#}\" fill=\"{Color(s)}\"><title>{Encode(series[s].Name)}: {counts[s][b]}</title></rect>");
            }
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{height - 8}\" font-size=\"10\">{ReportFormat.Number(min)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width - 8}\" y=\"{height - 8}\" font-size=\"10\" text-anchor=\"end\">{ReportFormat.Number(max)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"{top + 10}\" font-size=\"10\">{peak}</text>");
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>Mean deltas with their intervals, one row each, around a zero line.</summary>
    public static string Intervals(string title, IReadOnlyList<MetricDelta> deltas)
    {
        const int width = 520, rowHeight = 22, left = 190, top = 24;
        var height = top + (deltas.Count * rowHeight) + 16;
        var extent = deltas.SelectMany(d => new[] { d.Lower, d.Upper, d.MeanDelta }).Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(1).Max();
        extent = extent <= 0 ? 1 : extent;
        var plotWidth = width - left - 16;
        double X(double v) => left + ((v + extent) / (2 * extent) * plotWidth);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart deltas\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{Encode(title)}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"14\" font-size=\"12\" font-weight=\"bold\">{Encode(title)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(0):0.#}\" y1=\"{top - 4}\" x2=\"{X(0):0.#}\" y2=\"{height - 12}\" stroke=\"#999\" stroke-dasharray=\"3,3\"/>");
        for (var i = 0; i < deltas.Count; i++)
        {
            var d = deltas[i];
            var y = top + (i * rowHeight) + (rowHeight / 2);
            var color = d.Significant ? (d.MeanDelta > 0 ? "#59a14f" : "#e15759") : "#4e79a7";
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"{y + 4}\" font-size=\"11\">{Encode($"{d.Candidate} · {d.Metric}")}</text>");
            if (double.IsFinite(d.Lower) && double.IsFinite(d.Upper))
            {
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(d.Lower):0.#}\" y1=\"{y}\" x2=\"{X(d.Upper):0.#}\" y2=\"{y}\" stroke=\"{color}\" stroke-width=\"2\"/>");
            }

            svg.Append(CultureInfo.InvariantCulture,
                $"<circle cx=\"{X(d.MeanDelta):0.#}\" cy=\"{y}\" r=\"4\" fill=\"{color}\"><title>{Encode($"{ReportFormat.Signed(d.MeanDelta)} [{ReportFormat.Number(d.Lower)}, {ReportFormat.Number(d.Upper)}]")}</title></circle>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{height - 2}\" font-size=\"10\">{ReportFormat.Number(-extent)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width - 16}\" y=\"{height - 2}\" font-size=\"10\" text-anchor=\"end\">{ReportFormat.Signed(extent)}</text>");
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
