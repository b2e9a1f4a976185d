using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace Agents.Evaluation;

/// <summary>
/// Microsoft.Extensions.AI.Evaluation evaluator for the perplexity of the response text under a local model
/// (<see cref="PerplexityMetric"/>): a <see cref="NumericMetric"/> named "perplexity" (lower is better), with the token
/// and window counts in its metadata.
/// </summary>
public sealed class PerplexityEvaluator : IEvaluator
{
    /// <summary>The metric's name.</summary>
    public const string MetricName = "perplexity";

    private readonly PerplexityMetric _metric;

    /// <summary>Creates the evaluator.</summary>
    /// <param name="metric">The perplexity metric over a local model.</param>
    /// <exception cref="ArgumentNullException"><paramref name="metric"/> is <see langword="null"/>.</exception>
    public PerplexityEvaluator(PerplexityMetric metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        _metric = metric;
    }

    /// <inheritdoc />
    public IReadOnlyCollection<string> EvaluationMetricNames { get; } = [MetricName];

    /// <inheritdoc />
    public async ValueTask<EvaluationResult> EvaluateAsync(
        IEnumerable<ChatMessage> messages,
        ChatResponse modelResponse,
        ChatConfiguration? chatConfiguration = null,
        IEnumerable<EvaluationContext>? additionalContext = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelResponse);
        var metric = new NumericMetric(MetricName);
        try
        {
            var report = await _metric.ComputeAsync(modelResponse.Text, cancellationToken).ConfigureAwait(false);
            metric.Value = report.Perplexity;
            metric.AddOrUpdateMetadata("tokens", report.Tokens.ToString(CultureInfo.InvariantCulture));
            metric.AddOrUpdateMetadata("windows", report.Windows.ToString(CultureInfo.InvariantCulture));
        }
        catch (ArgumentException e)
        {
            metric.AddDiagnostics(EvaluationDiagnostic.Error($"Perplexity could not be computed: {e.Message}"));
        }

        return new EvaluationResult(metric);
    }
}
