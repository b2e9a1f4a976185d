namespace Agents.Bench.Models;

/// <summary>Small helpers shared by the local-model scenarios.</summary>
internal static class Statistics
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static int IntOption(BenchmarkContext context, string flag, int fallback) =>
        int.Parse(context.Option(flag, fallback.ToString(System.Globalization.CultureInfo.InvariantCulture))!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Reads <c>--flash-attention on|off|auto</c>: <see langword="null"/> (auto, the library's default) unless on or off.</summary>
    public static bool? FlashAttentionOption(BenchmarkContext context) => context.Option("--flash-attention") switch
    {
        "on" or "true" => true,
        "off" or "false" => false,
        _ => null,
    };
}
