namespace Agents.Evaluation.Tests.Metrics;

public sealed class PerplexityMetricTests
{
    [Fact]
    public async Task ComputeAsync_UniformModel_IsTheVocabularySize()
    {
        var metric = new PerplexityMetric(new UniformTokenScorer(contextSize: 64, vocabulary: 1000));

        var report = await metric.ComputeAsync("hello world");

        Assert.Equal(1000, report.Perplexity, 6);
        Assert.Equal(11, report.Tokens);
        Assert.Equal(1, report.Windows);
    }

    [Fact]
    public async Task ComputeAsync_LongText_SlidesWindowsScoringEveryTokenOnce()
    {
        var scorer = new UniformTokenScorer(contextSize: 8, vocabulary: 50);
        var metric = new PerplexityMetric(scorer, new PerplexityOptions { WindowSize = 8, Stride = 3 });

        var report = await metric.ComputeAsync(new string('x', 20));

        // 21 tokens with BOS: windows [0,8) scores 7, then [3,11) … [15,21) each score the 3 new ones (the last, [15,21), only token 20).
        Assert.Equal(20, report.Tokens);
        Assert.Equal([(8, 1), (8, 5), (8, 5), (8, 5), (8, 5), (6, 5)], scorer.Calls);
        Assert.Equal(report.Windows, scorer.Calls.Count);
        Assert.Equal(50, report.Perplexity, 6);
    }

    [Fact]
    public void Windows_AnySettings_CoverEveryTokenExactlyOnce()
    {
        foreach (var (count, window, stride) in new[] { (2, 2, 1), (10, 4, 1), (10, 4, 3), (100, 16, 8), (17, 17, 5) })
        {
            var scored = PerplexityMetric.Windows(count, window, stride).SelectMany(w =>
            {
                Assert.True(w.End - w.Start <= window);
                Assert.True(w.FirstScored > w.Start);
                return Enumerable.Range(w.FirstScored, w.End - w.FirstScored);
            }).ToList();
            Assert.Equal(Enumerable.Range(1, count - 1), scored);
        }
    }

    [Fact]
    public async Task ComputeAsync_SeveralTexts_PoolsLogLikelihoods()
    {
        var metric = new PerplexityMetric(new UniformTokenScorer(64, 10));

        var report = await metric.ComputeAsync(["ab", "cdef"]);

        Assert.Equal(6, report.Tokens);
        Assert.Equal(-6 * Math.Log(10), report.LogLikelihood, 9);
    }

    [Fact]
    public void Options_WindowLargerThanContext_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new PerplexityMetric(new UniformTokenScorer(16, 10), new PerplexityOptions { WindowSize = 32, Stride = 32 }));

        Assert.Contains("WindowSize", error.Message, StringComparison.Ordinal);
        Assert.Contains("Stride", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComputeAsync_EmptyText_Throws()
    {
        var metric = new PerplexityMetric(new UniformTokenScorer(16, 10));

        await Assert.ThrowsAsync<ArgumentException>(() => metric.ComputeAsync(string.Empty));
        await Assert.ThrowsAsync<ArgumentException>(() => metric.ComputeAsync(Array.Empty<string>()));
    }

    [Fact]
    public async Task ComputeAsync_Cancelled_Throws()
    {
        var metric = new PerplexityMetric(new UniformTokenScorer(16, 10));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => metric.ComputeAsync("abc", new CancellationToken(canceled: true)));
    }
}
