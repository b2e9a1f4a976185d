using Agents.Testing;
using Microsoft.Extensions.AI;

namespace Agents.Backends.Llama.Tests.Embeddings;

public sealed class LlamaEmbeddingGeneratorTests : IDisposable
{
    private readonly LlamaModel _model = LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = TestModel.Path, Threads = 2 } });

    public void Dispose() => _model.Dispose();

    [Fact]
    public async Task GenerateAsync_OneInput_VectorHasModelEmbeddingWidthAndUnitLength()
    {
        using var generator = new LlamaEmbeddingGenerator(_model);

        var embeddings = await generator.GenerateAsync(["The quick brown fox"]);

        var vector = Assert.Single(embeddings).Vector.ToArray();
        Assert.Equal(8, vector.Length);
        Assert.Equal(_model.Info.EmbeddingSize, vector.Length);
        Assert.All(vector, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 4);
        Assert.True(embeddings.Usage!.InputTokenCount > 1);
    }

    [Fact]
    public void Constructor_SeveralBadOptions_OneArgumentExceptionNamingEach()
    {
        var options = new LlamaEmbeddingOptions { Pooling = (LlamaEmbeddingPooling)99, MaxInputTokens = 1 };

        var ex = Assert.Throws<ArgumentException>(() => new LlamaEmbeddingGenerator(_model, options));

        Assert.Equal("options", ex.ParamName);
        Assert.Contains("Pooling: Unknown pooling 99.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxInputTokens:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_SameInputTwice_GivesIdenticalVectors()
    {
        using var generator = new LlamaEmbeddingGenerator(_model);

        var first = await generator.GenerateAsync(["determinism matters"]);
        var second = await generator.GenerateAsync(["determinism matters"]);

        Assert.Equal(first[0].Vector.ToArray(), second[0].Vector.ToArray());
    }

    [Fact]
    public async Task GenerateAsync_Batch_PreservesInputOrder()
    {
        using var generator = new LlamaEmbeddingGenerator(_model);
        string[] inputs = ["alpha beta", "a completely different sentence about ships", "zebra"];

        var batch = await generator.GenerateAsync(inputs);
        var reversed = await generator.GenerateAsync(inputs.Reverse());

        Assert.Equal(3, batch.Count);
        for (var i = 0; i < inputs.Length; i++)
        {
            var single = await generator.GenerateAsync([inputs[i]]);
            Assert.Equal(single[0].Vector.ToArray(), batch[i].Vector.ToArray());
            Assert.Equal(single[0].Vector.ToArray(), reversed[inputs.Length - 1 - i].Vector.ToArray());
        }

        Assert.NotEqual(batch[0].Vector.ToArray(), batch[1].Vector.ToArray());
    }

    [Fact]
    public async Task GenerateAsync_PoolingModes_GiveDifferentVectors()
    {
        using var mean = new LlamaEmbeddingGenerator(_model, new LlamaEmbeddingOptions { Pooling = LlamaEmbeddingPooling.Mean });
        using var last = new LlamaEmbeddingGenerator(_model, new LlamaEmbeddingOptions { Pooling = LlamaEmbeddingPooling.Last });
        using var cls = new LlamaEmbeddingGenerator(_model, new LlamaEmbeddingOptions { Pooling = LlamaEmbeddingPooling.Cls });
        const string text = "pooling picks which token states count";

        var meanVector = (await mean.GenerateAsync([text]))[0].Vector.ToArray();
        var lastVector = (await last.GenerateAsync([text]))[0].Vector.ToArray();
        var clsVector = (await cls.GenerateAsync([text]))[0].Vector.ToArray();

        Assert.NotEqual(meanVector, lastVector);
        Assert.NotEqual(meanVector, clsVector);
        Assert.NotEqual(lastVector, clsVector);
    }

    [Fact]
    public async Task GenerateAsync_ConcurrentCalls_EachMatchesSequentialResult()
    {
        using var generator = new LlamaEmbeddingGenerator(_model);
        var inputs = Enumerable.Range(0, 8).Select(i => $"concurrent input number {i}").ToArray();
        var sequential = new List<float[]>();
        foreach (var input in inputs)
        {
            sequential.Add((await generator.GenerateAsync([input]))[0].Vector.ToArray());
        }

        var concurrent = await Task.WhenAll(inputs.Select(input => Task.Run(() => generator.GenerateAsync([input]))));

        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(sequential[i], concurrent[i][0].Vector.ToArray());
        }
    }

    [Fact]
    public async Task GenerateAsync_InputOverLimit_ThrowsContextWindowExceeded()
    {
        using var generator = new LlamaEmbeddingGenerator(_model, new LlamaEmbeddingOptions { MaxInputTokens = 16 });

        var error = await Assert.ThrowsAsync<ContextWindowExceededException>(() =>
            generator.GenerateAsync([string.Join(' ', Enumerable.Repeat("word", 40))]));

        Assert.Equal(16, error.ContextWindow);
    }

    [Fact]
    public async Task GenerateAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var generator = new LlamaEmbeddingGenerator(_model);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            generator.GenerateAsync(["a", "b"], cancellationToken: new CancellationToken(true)));
    }

    [Fact]
    public void GetService_Metadata_ReportsProviderModelAndDimensions()
    {
        using var generator = new LlamaEmbeddingGenerator(_model);

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal(LlamaGenerator.ProviderName, metadata.ProviderName);
        Assert.Equal(_model.ModelId, metadata.DefaultModelId);
        Assert.Equal(8, metadata.DefaultModelDimensions);
    }
}
