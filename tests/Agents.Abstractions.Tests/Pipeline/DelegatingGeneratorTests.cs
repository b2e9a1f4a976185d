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
    public void GetService_OwnType_ReturnsTheWrapperNotTheInner()
    {
        var backend = new TestGenerator();
        using var generator = new PassThrough(backend);

        Assert.Same(generator, generator.GetService(typeof(PassThrough)));
        Assert.Same(generator, generator.GetService<DelegatingGenerator>());
    }

    [Fact]
    public void GetService_OtherType_AsksTheInnerGenerator()
    {
        var backend = new TestGenerator();
        using var generator = new PassThrough(backend);

        Assert.Same(backend, generator.GetService<TestGenerator>());
        Assert.Same(backend.Metadata, generator.GetMetadata());
    }

    [Fact]
    public void GetService_WithKey_IsForwardedEvenForTheWrappersOwnType()
    {
        // A keyed request names a specific registration, so the wrapper must not answer it with itself.
        var marker = new object();
        (Type Type, object? Key)? asked = null;
        var backend = new TestGenerator
        {
            GetServiceCallback = (type, key) =>
            {
                asked = (type, key);
                return key is null ? null : marker;
            },
        };
        using var generator = new PassThrough(backend);

        Assert.Same(marker, generator.GetService(typeof(PassThrough), "primary"));
        Assert.Equal((typeof(PassThrough), (object?)"primary"), asked);
        Assert.Null(generator.GetService(typeof(string)));
    }

    [Fact]
    public void Dispose_DisposesTheInnerGeneratorOnce()
    {
        var backend = new TestGenerator();
        var generator = new PassThrough(backend);

        generator.Dispose();

        Assert.Equal(1, backend.DisposeCount);
    }

    [Fact]
    public void Dispose_NotDisposing_LeavesTheInnerGeneratorAlone()
    {
        // The finaliser path (disposing: false) must not touch managed objects such as the inner generator.
        var backend = new TestGenerator();
        var generator = new PassThrough(backend);

        generator.DisposeFromFinalizer();

        Assert.Equal(0, backend.DisposeCount);
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

    private sealed class PassThrough(IGenerator inner) : DelegatingGenerator(inner)
    {
        public void DisposeFromFinalizer() => Dispose(disposing: false);
    }
}
