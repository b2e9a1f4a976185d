using Agents.Testing;

namespace Agents.Backends.Llama.Tests.Evaluation;

public sealed class LlamaEvaluatorTests : IDisposable
{
    private const string Text = "The capital of France is Paris. It is known for the Eiffel Tower, museums and cafes along the river Seine.";

    private readonly LlamaModel _model = LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = TestModel.Path, Threads = 2, ContextSize = 256 } });

    public void Dispose() => _model.Dispose();

    [Fact]
    public void Constructor_SeveralBadOptions_OneArgumentExceptionNamingEach()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LlamaEvaluator(_model, new LlamaEvaluatorOptions { ContextSize = 1, Threads = 0 }));

        Assert.Equal("options", ex.ParamName);
        Assert.Contains("ContextSize:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Threads:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComputePerplexityAsync_RandomTinyModel_IsOfTheOrderOfTheVocabularySize()
    {
        using var evaluator = new LlamaEvaluator(_model);

        var result = await evaluator.ComputePerplexityAsync(Text);

        var tokens = _model.Weights.Tokenize(Text, true, false, System.Text.Encoding.UTF8).Length;
        Assert.Equal(tokens - 1, result.TokenCount);
        Assert.InRange(result.Perplexity, 1_000, 200_000);
        Assert.True(result.LogLikelihood < 0);
    }

    [Fact]
    public async Task ComputePerplexityAsync_LogLikelihood_EqualsSumOfTokenLogProbabilities()
    {
        using var evaluator = new LlamaEvaluator(_model);

        var result = await evaluator.ComputePerplexityAsync(Text);

        Assert.Equal(result.TokenCount, result.TokenLogProbabilities.Count);
        Assert.Equal(result.TokenLogProbabilities.Sum(), result.LogLikelihood, 9);
        Assert.All(result.TokenLogProbabilities, p => Assert.InRange(p, double.MinValue, 0));
        Assert.Equal(Math.Exp(-result.LogLikelihood / result.TokenCount), result.Perplexity, 6);
    }

    [Fact]
    public async Task ComputePerplexityAsync_SmallBatches_GiveSameScoresAsOneBatch()
    {
        using var smallBatchModel = LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = TestModel.Path, Threads = 2, ContextSize = 256, BatchSize = 8, UBatchSize = 8 } });
        using var whole = new LlamaEvaluator(_model);
        using var pieces = new LlamaEvaluator(smallBatchModel);
        var one = await whole.ComputePerplexityAsync(Text);

        var again = await pieces.ComputePerplexityAsync(Text);

        Assert.True(one.TokenCount > 8);
        Assert.Equal(one.TokenCount, again.TokenCount);
        for (var i = 0; i < one.TokenCount; i++)
        {
            Assert.Equal(one.TokenLogProbabilities[i], again.TokenLogProbabilities[i], 3);
        }
    }

    [Fact]
    public async Task ComputeLogLikelihoodAsync_Continuation_ScoresOnlyContinuationTokens()
    {
        using var evaluator = new LlamaEvaluator(_model);

        var result = await evaluator.ComputeLogLikelihoodAsync("The capital of France is", " Paris");
        var full = await evaluator.ComputePerplexityAsync(Text);

        var continuationTokens = _model.Weights.Tokenize(" Paris", false, false, System.Text.Encoding.UTF8).Length;
        Assert.Equal(continuationTokens, result.TokenCount);
        Assert.True(result.LogLikelihood < 0);
        Assert.True(full.TokenCount > result.TokenCount);
    }

    [Fact]
    public async Task ComputePerplexityAsync_TextOverContext_ThrowsContextWindowExceeded()
    {
        using var evaluator = new LlamaEvaluator(_model, new LlamaEvaluatorOptions { ContextSize = 16 });

        var error = await Assert.ThrowsAsync<ContextWindowExceededException>(() => evaluator.ComputePerplexityAsync(Text));

        Assert.Equal(16, error.ContextWindow);
    }

    [Fact]
    public async Task ComputePerplexityAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var evaluator = new LlamaEvaluator(_model);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => evaluator.ComputePerplexityAsync(Text, new CancellationToken(true)));
    }
}
