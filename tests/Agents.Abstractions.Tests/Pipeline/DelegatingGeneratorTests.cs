using System.Runtime.CompilerServices;
using Agents.Testing;

namespace Agents.Abstractions.Tests.Pipeline;

public class DelegatingGeneratorTests
{
    [Fact]
    public async Task GenerateAsync_PassesRequestAndTokenThrough()
    {
        using var cts = new CancellationTokenSource();
        CancellationToken seen = default;
        var backend = new TestGenerator
        {
            GenerateAsyncCallback = (r, ct) =>
            {
                seen = ct;
                return Task.FromResult(new GenerationResult("echo:" + r.Messages[0].Text));
            },
        };
        using var generator = new PassThrough(backend);

        var result = await generator.GenerateAsync("x", cancellationToken: cts.Token);

        Assert.Equal("echo:x", result.Text);
        Assert.Equal(cts.Token, seen);
    }

    [Fact]
    public async Task StreamAsync_CancelledMidStream_ThrowsInsteadOfTruncating()
    {
        var backend = new TestGenerator { StreamAsyncCallback = Endless };
        using var generator = new PassThrough(backend);
        using var cts = new CancellationTokenSource();
        var received = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in generator.StreamAsync("go", cancellationToken: cts.Token))
            {
                if (++received == 3)
                {
                    await cts.CancelAsync();
                }
            }
        });

        Assert.Equal(3, received);
    }

    [Fact]
    public async Task StreamAsync_ToResultAsync_CombinesTextAndFinalMetadata()
    {
        var generator = new TestGenerator();

        var result = await generator.StreamAsync("one two three").ToResultAsync();

        Assert.Equal("one two three", result.Text);
        Assert.Equal(FinishReason.Stop, result.FinishReason);
        Assert.Equal(3, result.Usage?.CompletionTokens);
    }

    [Fact]
    public void Constructor_NullInner_Throws() => Assert.Throws<ArgumentNullException>(() => new PassThrough(null!));

    private static async IAsyncEnumerable<GenerationUpdate> Endless(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new GenerationUpdate { Text = "a" };
        }
    }

    private sealed class PassThrough(IGenerator inner) : DelegatingGenerator(inner);
}
