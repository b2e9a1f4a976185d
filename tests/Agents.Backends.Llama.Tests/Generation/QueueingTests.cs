using Agents.Backends.Llama.Tests.Infrastructure;

namespace Agents.Backends.Llama.Tests.Generation;

public sealed class QueueingTests : IDisposable
{
    private readonly LlamaGenerator _generator;

    public QueueingTests()
    {
        var options = GeneratorFixture.CreateOptions();
        options.Scheduling.MaxConcurrentSequences = 2;
        options.Scheduling.MaxQueueLength = 16;
        _generator = new LlamaGenerator(options);
    }

    public void Dispose() => _generator.Dispose();

    [Fact]
    public async Task GenerateAsync_MoreRequestsThanSequences_QueueAndEachMatchesSequential()
    {
        var prompts = Enumerable.Range(0, 6).Select(i => $"Queued request {i}").ToArray();
        var options = new GenerationOptions { MaxTokens = 12 };
        var sequential = new List<string>();
        foreach (var prompt in prompts)
        {
            sequential.Add((await _generator.GenerateAsync(prompt, options.Clone())).Text);
        }

        var concurrent = await Task.WhenAll(prompts.Select(p => _generator.GenerateAsync(p, options.Clone())));

        Assert.Equal(sequential, concurrent.Select(r => r.Text));
    }

    [Fact]
    public async Task GenerateAsync_CancelledWhileQueued_ThrowsAndOthersFinish()
    {
        using var longRunning = new CancellationTokenSource();
        var first = _generator.GenerateAsync("one", new GenerationOptions { MaxTokens = 300 }, longRunning.Token);
        var second = _generator.GenerateAsync("two", new GenerationOptions { MaxTokens = 300 }, longRunning.Token);
        using var queuedCancel = new CancellationTokenSource();
        var queued = _generator.GenerateAsync("three", new GenerationOptions { MaxTokens = 5 }, queuedCancel.Token);

        await queuedCancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);

        await longRunning.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
        var after = await _generator.GenerateAsync("four", new GenerationOptions { MaxTokens = 5 });
        Assert.NotNull(after.FinishReason);
    }

    [Fact]
    public async Task Dispose_WhileRequestsRun_FailsThemWithObjectDisposed()
    {
        var options = GeneratorFixture.CreateOptions();
        options.Scheduling.MaxConcurrentSequences = 1;
        var generator = new LlamaGenerator(options);
        var running = generator.GenerateAsync("one", new GenerationOptions { MaxTokens = 400 });
        var waiting = generator.GenerateAsync("two", new GenerationOptions { MaxTokens = 400 });

        generator.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => running);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting);
    }
}
