using Agents.Backends.Llama;
using Agents.Samples.Eval;
using Agents.Testing;

namespace Agents.Evaluation.Tests.Metrics;

/// <summary>Perplexity on the real tiny test model (random weights) through the sample's adapter over LlamaEvaluator.</summary>
public sealed class LlamaPerplexityTests : IDisposable
{
    private const string Short = "The capital of France is Paris. It is known for the Eiffel Tower.";

    private readonly LlamaModel _model = LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = TestModel.Path, Threads = 2, ContextSize = 256 } });

    public void Dispose() => _model.Dispose();

    [Fact]
    public async Task ComputeAsync_RandomTinyModel_IsNearTheVocabularySize()
    {
        using var evaluator = new LlamaEvaluator(_model);
        var metric = new PerplexityMetric(new LlamaTokenScorer(evaluator));

        var report = await metric.ComputeAsync(Short);

        var vocabulary = _model.Info.VocabularySize;
        Assert.InRange(report.Perplexity, vocabulary / 4.0, vocabulary * 4.0);
        Assert.Equal(1, report.Windows);
        Assert.Equal(evaluator.Tokenize(Short).Count - 1, report.Tokens);
    }

    [Fact]
    public async Task ComputeAsync_ShortText_IsIdenticalAcrossWindowSettings()
    {
        using var evaluator = new LlamaEvaluator(_model);
        var direct = await evaluator.ComputePerplexityAsync(Short);
        var results = new List<PerplexityReport>();
        foreach (var (window, stride) in new (int?, int?)[] { (null, null), (256, 1), (128, 64), (64, 60) })
        {
            var metric = new PerplexityMetric(new LlamaTokenScorer(evaluator), new PerplexityOptions { WindowSize = window, Stride = stride });
            results.Add(await metric.ComputeAsync(Short));
        }

        Assert.All(results, r => Assert.Equal(direct.Perplexity, r.Perplexity, 9));
        Assert.All(results, r => Assert.Equal(1, r.Windows));
    }

    [Fact]
    public async Task ComputeAsync_TextLongerThanTheContext_UsesSeveralWindows()
    {
        using var evaluator = new LlamaEvaluator(_model, new LlamaEvaluatorOptions { ContextSize = 32 });
        var text = string.Join(' ', Enumerable.Repeat(Short, 4));
        var metric = new PerplexityMetric(new LlamaTokenScorer(evaluator), new PerplexityOptions { Stride = 16 });

        var report = await metric.ComputeAsync(text);

        Assert.True(report.Windows > 2, $"{report.Windows} windows");
        Assert.Equal(evaluator.Tokenize(text).Count - 1, report.Tokens);
        Assert.InRange(report.Perplexity, _model.Info.VocabularySize / 4.0, _model.Info.VocabularySize * 4.0);
        await Assert.ThrowsAsync<ContextWindowExceededException>(() => evaluator.ComputePerplexityAsync(text));
    }
}
