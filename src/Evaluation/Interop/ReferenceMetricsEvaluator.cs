using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace Agents.Evaluation;

/// <summary>
/// Microsoft.Extensions.AI.Evaluation evaluator for the reference-based metrics: exact_match, token_f1, bleu (sentence,
/// epsilon smoothing), rouge1, rouge2 and rougeL, as <see cref="NumericMetric"/>s in [0, 1]. Needs a
/// <see cref="ReferenceContext"/> in the additional context; without one every metric carries an error diagnostic.
/// </summary>
public sealed class ReferenceMetricsEvaluator : IEvaluator
{
    /// <inheritdoc />
    public IReadOnlyCollection<string> EvaluationMetricNames { get; } = [.. Agents.Evaluation.EvalMetricNames.ReferenceDefaults];

    /// <inheritdoc />
    public ValueTask<EvaluationResult> EvaluateAsync(
        IEnumerable<ChatMessage> messages,
        ChatResponse modelResponse,
        ChatConfiguration? chatConfiguration = null,
        IEnumerable<EvaluationContext>? additionalContext = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelResponse);
        var reference = additionalContext?.OfType<ReferenceContext>().FirstOrDefault();
        var output = modelResponse.Text;
        var metrics = EvaluationMetricNames.Select(name =>
        {
            var metric = new NumericMetric(name);
            if (reference is null)
            {
                metric.AddDiagnostics(EvaluationDiagnostic.Error($"No {nameof(ReferenceContext)} was given; {name} needs a reference answer."));
                return (EvaluationMetric)metric;
            }

            IReadOnlyList<string> references = [reference.Reference];
            metric.Value = name switch
            {
                Agents.Evaluation.EvalMetricNames.ExactMatch => ExactMatch.Score(output, references),
                Agents.Evaluation.EvalMetricNames.TokenF1 => TokenF1.Score(output, references),
                Agents.Evaluation.EvalMetricNames.Bleu => Bleu.Sentence(output, references, new BleuOptions { Smoothing = BleuSmoothing.Epsilon }).Score,
                _ => Rouge.BestF(output, references, name),
            };
            metric.Interpretation = new EvaluationMetricInterpretation(
                metric.Value >= 0.5 ? EvaluationRating.Good : metric.Value >= 0.2 ? EvaluationRating.Average : EvaluationRating.Poor, failed: false);
            return metric;
        });
        return ValueTask.FromResult(new EvaluationResult(metrics));
    }
}
