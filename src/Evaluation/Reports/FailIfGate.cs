using System.Globalization;
using System.Text.RegularExpressions;

namespace Agents.Evaluation;

/// <summary>
/// A CI gate: <c>[candidate:]metric(&lt;|&lt;=|&gt;|&gt;=)number</c>, e.g. <c>rougeL&lt;0.3</c> or <c>local:latency_ms&gt;2000</c>.
/// The run fails when the condition holds for the candidate's mean (for every candidate when none is named), or when
/// the metric was not computed — a misspelt gate must not pass silently.
/// </summary>
public sealed partial class FailIfGate
{
    private FailIfGate(string expression, string? candidate, string metric, string comparison, double threshold)
    {
        Expression = expression;
        Candidate = candidate;
        Metric = metric;
        Comparison = comparison;
        Threshold = threshold;
    }

    /// <summary>Gets the gate as written.</summary>
    public string Expression { get; }

    /// <summary>Gets the candidate the gate applies to, or <see langword="null"/> for all.</summary>
    public string? Candidate { get; }

    /// <summary>Gets the metric.</summary>
    public string Metric { get; }

    /// <summary>Gets the comparison: &lt;, &lt;=, &gt; or &gt;=.</summary>
    public string Comparison { get; }

    /// <summary>Gets the threshold.</summary>
    public double Threshold { get; }

    /// <summary>Parses a gate.</summary>
    /// <param name="expression">The gate text.</param>
    /// <returns>The gate.</returns>
    /// <exception cref="FormatException">The text is not a gate; the message shows the expected form.</exception>
    public static FailIfGate Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var match = GatePattern().Match(expression);
        if (!match.Success || !double.TryParse(match.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var threshold) || !double.IsFinite(threshold))
        {
            throw new FormatException($"'{expression}' is not a gate; write [candidate:]metric<number (or <=, >, >=), e.g. \"rougeL<0.3\".");
        }

        var candidate = match.Groups["candidate"].Success ? match.Groups["candidate"].Value.Trim() : null;
        return new FailIfGate(expression.Trim(), candidate, match.Groups["metric"].Value, match.Groups["op"].Value, threshold);
    }

    /// <summary>Evaluates the gate against a value.</summary>
    /// <param name="value">The candidate's mean; NaN when not computed.</param>
    /// <returns><see langword="true"/> when the run must fail.</returns>
    public bool FailsOn(double value) => double.IsNaN(value) || Comparison switch
    {
        "<" => value < Threshold,
        "<=" => value <= Threshold,
        ">" => value > Threshold,
        _ => value >= Threshold,
    };

    [GeneratedRegex(@"^\s*(?:(?<candidate>[^:<>=]+):)?(?<metric>[A-Za-z][A-Za-z0-9_.\-]*)\s*(?<op><=|>=|<|>)\s*(?<value>[-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex GatePattern();
}
