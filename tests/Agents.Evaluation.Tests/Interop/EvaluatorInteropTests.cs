using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace Agents.Evaluation.Tests.Interop;

public sealed class EvaluatorInteropTests
{
    private static readonly ChatMessage[] s_messages = [new(ChatRole.User, "What is the capital of France?")];

    [Fact]
    public async Task ReferenceMetricsEvaluator_WithReference_ReportsTheSameValuesAsTheMetrics()
    {
        IEvaluator evaluator = new ReferenceMetricsEvaluator();

        var result = await evaluator.EvaluateAsync(s_messages, new ChatResponse(new ChatMessage(ChatRole.Assistant, "The capital is Paris")), null, [new ReferenceContext("Paris is the capital")]);

        Assert.Equal(EvalMetricNames.ReferenceDefaults.ToHashSet(), result.Metrics.Keys.ToHashSet());
        Assert.Equal(Rouge.L("The capital is Paris", "Paris is the capital").F1, result.Get<NumericMetric>("rougeL").Value!.Value, 12);
        Assert.Equal(1, result.Get<NumericMetric>("token_f1").Value);
        Assert.Equal(0, result.Get<NumericMetric>("exact_match").Value);
    }

    [Fact]
    public async Task ReferenceMetricsEvaluator_NoReference_ReportsAnErrorDiagnostic()
    {
        var result = await new ReferenceMetricsEvaluator().EvaluateAsync(s_messages, new ChatResponse(new ChatMessage(ChatRole.Assistant, "Paris")));

        var metric = result.Get<NumericMetric>("rougeL");
        Assert.Null(metric.Value);
        Assert.Contains(metric.Diagnostics!, d => d.Severity == EvaluationDiagnosticSeverity.Error);
    }

    [Fact]
    public async Task RubricJudgeEvaluator_GeneratorJudge_ReportsCriteriaAndNormalizedScore()
    {
        var judge = ScriptedJudge.Replying("""{"criteria":[{"name":"accuracy","score":4,"rationale":"mostly"}],"rationale":"good"}""");
        IEvaluator evaluator = new RubricJudgeEvaluator(new Rubric([new("accuracy", "Correct.")]), judge);

        var result = await evaluator.EvaluateAsync(s_messages, new ChatResponse(new ChatMessage(ChatRole.Assistant, "Paris")), null, [new ReferenceContext("Paris")]);

        Assert.Equal(4, result.Get<NumericMetric>("accuracy").Value);
        Assert.Equal("mostly", result.Get<NumericMetric>("accuracy").Reason);
        Assert.Equal(0.75, result.Get<NumericMetric>("judge").Value);
        Assert.Contains("<reference>\nParis\n</reference>", judge.Requests[0].Messages[1].Text, StringComparison.Ordinal);
        Assert.Contains("capital of France", judge.Requests[0].Messages[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RubricJudgeEvaluator_ChatConfiguration_UsesItsChatClientAsJudge()
    {
        var judge = ScriptedJudge.Replying("""{"criteria":[{"name":"accuracy","score":5}]}""");
        var evaluator = new RubricJudgeEvaluator(new Rubric([new("accuracy", "Correct.")]));

        var result = await evaluator.EvaluateAsync(s_messages, new ChatResponse(new ChatMessage(ChatRole.Assistant, "Paris")), new ChatConfiguration(judge.AsChatClient()));

        Assert.Equal(5, result.Get<NumericMetric>("accuracy").Value);
        Assert.Single(judge.Requests);
    }

    [Fact]
    public async Task RubricJudgeEvaluator_GarbageJudge_ReportsDiagnosticsInsteadOfThrowing()
    {
        var evaluator = new RubricJudgeEvaluator(new Rubric([new("accuracy", "Correct.")]), ScriptedJudge.Replying("???"), new JudgeOptions { MaxRepairAttempts = 0 });

        var result = await evaluator.EvaluateAsync(s_messages, new ChatResponse(new ChatMessage(ChatRole.Assistant, "Paris")));

        Assert.Null(result.Get<NumericMetric>("judge").Value);
        Assert.Contains(result.Get<NumericMetric>("judge").Diagnostics!, d => d.Severity == EvaluationDiagnosticSeverity.Error);
    }

    [Fact]
    public async Task PerplexityEvaluator_UniformModel_ReportsPerplexityTokensAndWindows()
    {
        IEvaluator evaluator = new PerplexityEvaluator(new PerplexityMetric(new UniformTokenScorer(64, 500)));

        var result = await evaluator.EvaluateAsync(s_messages, new ChatResponse(new ChatMessage(ChatRole.Assistant, "Paris")));

        var metric = result.Get<NumericMetric>("perplexity");
        Assert.Equal(500, metric.Value!.Value, 6);
        Assert.Equal("5", metric.Metadata!["tokens"]);
        Assert.Equal("1", metric.Metadata["windows"]);
    }
}
