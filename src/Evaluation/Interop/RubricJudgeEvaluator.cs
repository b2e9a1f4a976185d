using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace Agents.Evaluation;

/// <summary>
/// Microsoft.Extensions.AI.Evaluation evaluator for the rubric judge: one <see cref="NumericMetric"/> per criterion
/// (on the rubric's scale, the judge's rationale as the metric's reason) and "judge" (the normalized mean in [0, 1]).
/// The judge is the <see cref="IGenerator"/> given here, or else the <see cref="ChatConfiguration"/>'s chat client.
/// A <see cref="ReferenceContext"/>, when given, is shown to the judge.
/// </summary>
public sealed class RubricJudgeEvaluator : IEvaluator
{
    private readonly Rubric _rubric;
    private readonly JudgeOptions? _options;
    private readonly IGenerator? _judge;

    /// <summary>Creates the evaluator.</summary>
    /// <param name="rubric">The rubric; <see cref="Rubric.Default"/> when <see langword="null"/>.</param>
    /// <param name="judge">The judge model; <see langword="null"/> uses the chat configuration's client.</param>
    /// <param name="options">Judge options; defaults when <see langword="null"/>.</param>
    public RubricJudgeEvaluator(Rubric? rubric = null, IGenerator? judge = null, JudgeOptions? options = null)
    {
        _rubric = rubric ?? Rubric.Default;
        _judge = judge;
        _options = options;
        EvaluationMetricNames = [Agents.Evaluation.EvalMetricNames.Judge, .. _rubric.Criteria.Select(c => c.Name)];
    }

    /// <inheritdoc />
    public IReadOnlyCollection<string> EvaluationMetricNames { get; }

    /// <inheritdoc />
    public async ValueTask<EvaluationResult> EvaluateAsync(
        IEnumerable<ChatMessage> messages,
        ChatResponse modelResponse,
        ChatConfiguration? chatConfiguration = null,
        IEnumerable<EvaluationContext>? additionalContext = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(modelResponse);
        var judgeModel = _judge ?? chatConfiguration?.ChatClient.AsGenerator();
        var metrics = EvaluationMetricNames.Select(name => new NumericMetric(name)).ToList();
        if (judgeModel is null)
        {
            metrics.ForEach(m => m.AddDiagnostics(EvaluationDiagnostic.Error("No judge: pass an IGenerator to RubricJudgeEvaluator or a ChatConfiguration.")));
            return new EvaluationResult(metrics);
        }

        var input = string.Join("\n", messages.Where(m => m.Role == ChatRole.User).Select(m => m.Text));
        var reference = additionalContext?.OfType<ReferenceContext>().FirstOrDefault()?.Reference;
        try
        {
            var verdict = await new RubricJudge(judgeModel, _rubric, _options).ScoreAsync(input, modelResponse.Text, reference, cancellationToken).ConfigureAwait(false);
            metrics[0].Value = verdict.NormalizedScore;
            metrics[0].Reason = verdict.Rationale;
            foreach (var score in verdict.Scores)
            {
                var metric = metrics.First(m => m.Name == score.Criterion);
                metric.Value = score.Score;
                metric.Reason = score.Rationale;
            }
        }
        catch (JudgeOutputException e)
        {
            metrics.ForEach(m => m.AddDiagnostics(EvaluationDiagnostic.Error(e.Message)));
        }

        return new EvaluationResult(metrics);
    }
}
