using System.Globalization;

namespace Agents.Evaluation;

internal static class ReportFormat
{
    public static string Number(double value) =>
        double.IsNaN(value) ? "–" : Math.Abs(value) >= 1000 ? value.ToString("0", CultureInfo.InvariantCulture) : value.ToString("0.###", CultureInfo.InvariantCulture);

    public static string Signed(double value) => double.IsNaN(value) ? "–" : (value >= 0 ? "+" : string.Empty) + Number(value);

    public static string Excerpt(string? text, int length = 160)
    {
        if (text is null)
        {
            return string.Empty;
        }

        var flat = text.ReplaceLineEndings(" ");
        return flat.Length <= length ? flat : string.Concat(flat.AsSpan(0, length), "…");
    }
}
