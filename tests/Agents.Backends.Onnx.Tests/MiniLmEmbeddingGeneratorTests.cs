using System.Diagnostics;
using Agents.Backends.Onnx;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Agents.Backends.Onnx.Tests;

[Collection(SharedEncoderGroup.Name)]
public sealed class MiniLmEmbeddingGeneratorTests(SharedEncoder shared)
{
    private readonly MiniLmEmbeddingGenerator _generator = shared.Generator;

    [Fact]
    public async Task GenerateAsync_Sentences_ReturnsOneUnitVectorOf384PerInputInOrder()
    {
        var result = await _generator.GenerateAsync(["hello world", "a cat sat on the mat", "hello world"]);

        Assert.Equal(3, result.Count);
        Assert.All(result, e => Assert.Equal(384, e.Vector.Length));
        Assert.All(result, e => Assert.Equal(1.0, VectorMath.Norm(e.Vector.Span), 4));
        Assert.All(result, e => Assert.Equal(MiniLmEmbeddingGenerator.ModelName, e.ModelId));
        Assert.Equal(1.0, VectorMath.Dot(result[0].Vector.Span, result[2].Vector.Span), 5);
        Assert.True(VectorMath.Dot(result[0].Vector.Span, result[1].Vector.Span) < 0.9);
    }

    [Fact]
    public async Task GenerateAsync_Paraphrase_IsCloserThanAnUnrelatedSentence()
    {
        var result = await _generator.GenerateAsync([
            "How do I reset my password?",
            "I forgot my login credentials and need new ones.",
            "The recipe calls for two cups of flour.",
        ]);

        var paraphrase = VectorMath.Dot(result[0].Vector.Span, result[1].Vector.Span);
        var unrelated = VectorMath.Dot(result[0].Vector.Span, result[2].Vector.Span);
        Assert.True(paraphrase > unrelated + 0.2, $"paraphrase {paraphrase:F3}, unrelated {unrelated:F3}");
    }

    [Fact]
    public async Task GenerateAsync_SmallBatches_GiveTheSameVectorsAsOneBatch()
    {
        string[] inputs = ["one", "two words", "three little words", "a longer sentence about rivers and hills", "five"];
        using var small = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingOptions { BatchSize = 2 });

        var batched = await _generator.GenerateAsync(inputs);
        var inTwos = await small.GenerateAsync(inputs);

        Assert.Equal(batched.Count, inTwos.Count);
        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(1.0, VectorMath.Dot(batched[i].Vector.Span, inTwos[i].Vector.Span), 4);
        }
    }

    [Fact]
    public async Task GenerateAsync_Usage_CountsWordPiecesWithClsAndSep()
    {
        var result = await _generator.GenerateAsync(["hello world", "hello"]);

        // [CLS] hello world [SEP] + [CLS] hello [SEP].
        Assert.Equal(7, result.Usage?.InputTokenCount);
        Assert.Equal(7, result.Usage?.TotalTokenCount);
    }

    [Fact]
    public async Task GenerateAsync_NoInputs_ReturnsEmptyResult()
    {
        var result = await _generator.GenerateAsync([]);

        Assert.Empty(result);
        Assert.Equal(0, result.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task GenerateAsync_ConcurrentCalls_EachGetsItsOwnVectorsInOrder()
    {
        string[][] calls = [["alpha", "beta"], ["gamma"], ["delta", "epsilon", "zeta"], ["alpha"]];
        var expected = new List<GeneratedEmbeddings<Embedding<float>>>();
        foreach (var call in calls)
        {
            expected.Add(await _generator.GenerateAsync(call));
        }

        var concurrent = await Task.WhenAll(calls.Select(c => Task.Run(() => _generator.GenerateAsync(c))));

        for (var c = 0; c < calls.Length; c++)
        {
            Assert.Equal(expected[c].Count, concurrent[c].Count);
            for (var i = 0; i < expected[c].Count; i++)
            {
                Assert.Equal(1.0, VectorMath.Dot(expected[c][i].Vector.Span, concurrent[c][i].Vector.Span), 4);
            }
        }
    }

    [Fact]
    public async Task GenerateAsync_CancelledToken_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _generator.GenerateAsync(["text"], cancellationToken: cts.Token));
    }

    [Fact]
    public async Task GenerateAsync_OtherDimensionsAsked_ThrowsInvalidRequestNamingDimensions()
    {
        var ex = await Assert.ThrowsAsync<InvalidRequestException>(
            () => _generator.GenerateAsync(["text"], new EmbeddingGenerationOptions { Dimensions = 768 }));

        Assert.Equal(nameof(EmbeddingGenerationOptions.Dimensions), ex.Parameter);
        Assert.Contains("384", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_SameDimensionsAsked_Succeeds()
    {
        var result = await _generator.GenerateAsync(["text"], new EmbeddingGenerationOptions { Dimensions = 384 });

        Assert.Single(result);
    }

    [Fact]
    public async Task GenerateAsync_NullInput_ThrowsArgumentNullNamingItsIndex()
    {
        var ex = await Assert.ThrowsAsync<ArgumentNullException>(() => _generator.GenerateAsync(["ok", null!]));

        Assert.Equal("values[1]", ex.ParamName);
    }

    [Fact]
    public async Task GenerateAsync_NullValues_ThrowsArgumentNull()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => _generator.GenerateAsync(null!));
    }

    [Fact]
    public async Task GenerateAsync_TooManyInputs_ThrowsBeforeEncoding()
    {
        using var capped = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingOptions { MaxInputsPerCall = 2 });

        await capped.GenerateAsync(["a", "b"]);
        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => capped.GenerateAsync(["a", "b", "c"]));

        Assert.Contains("2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_InputOverCharacterCap_ThrowsInvalidRequest()
    {
        using var capped = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingOptions { MaxInputCharacters = 10 });

        await capped.GenerateAsync([new string('a', 10)]);
        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => capped.GenerateAsync([new string('a', 11)]));

        Assert.Contains("values[0]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var generator = new MiniLmEmbeddingGenerator();
        generator.Dispose();
        generator.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync(["text"]));
    }

    [Fact]
    public void GetService_Metadata_ReportsProviderModelAndDimensions()
    {
        var metadata = _generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("onnx", metadata.ProviderName);
        Assert.Equal(MiniLmEmbeddingGenerator.ModelName, metadata.DefaultModelId);
        Assert.Equal(384, metadata.DefaultModelDimensions);
        Assert.Same(_generator, _generator.GetService<MiniLmEmbeddingGenerator>());
        Assert.Null(_generator.GetService(typeof(EmbeddingGeneratorMetadata), "key"));
        Assert.Null(_generator.GetService<string>());
    }

    [Fact]
    public void Constructor_InvalidOptions_ListsEveryBadOption()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MiniLmEmbeddingGenerator(new MiniLmEmbeddingOptions
        {
            BatchSize = 0,
            MaxInputsPerCall = 0,
            MaxInputCharacters = 0,
            IntraOpThreads = 0,
        }));

        Assert.Contains(nameof(MiniLmEmbeddingOptions.BatchSize), ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(MiniLmEmbeddingOptions.MaxInputsPerCall), ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(MiniLmEmbeddingOptions.MaxInputCharacters), ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(MiniLmEmbeddingOptions.IntraOpThreads), ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(4096, true)]
    [InlineData(4097, false)]
    public void Constructor_BatchSizeBoundaries_AcceptedOrRefused(int batchSize, bool accepted)
    {
        var options = new MiniLmEmbeddingOptions { BatchSize = batchSize };
        if (accepted)
        {
            options.Validate();
        }
        else
        {
            Assert.Throws<ArgumentException>(options.Validate);
        }
    }

    [Fact]
    public async Task GenerateAsync_WithListener_EmitsGenAiEmbeddingsSpan()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Agents.Backends.Onnx",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) { spans.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);

        await _generator.GenerateAsync(["hello world"]);

        Activity span;
        lock (spans)
        {
            span = Assert.Single(spans, s => s.DisplayName == "embeddings all-MiniLM-L6-v2" && (long?)s.GetTagItem("gen_ai.usage.input_tokens") == 4);
        }

        Assert.Equal("embeddings", span.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("onnx", span.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(384, span.GetTagItem("gen_ai.embeddings.dimension.count"));
    }

    [Fact]
    public async Task AddMiniLmEmbeddingGenerator_Resolves_ASingletonThatEmbeds()
    {
        var services = new ServiceCollection().AddMiniLmEmbeddingGenerator(o => o.BatchSize = 8);
        await using var provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        Assert.Same(generator, provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.IsType<MiniLmEmbeddingGenerator>(generator);
        Assert.Equal(384, (await generator.GenerateAsync(["x"]))[0].Vector.Length);
    }

    [Fact]
    public void AddMiniLmEmbeddingGenerator_InvalidOptions_ThrowsAtRegistration()
    {
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddMiniLmEmbeddingGenerator(o => o.BatchSize = -1));
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddKeyedMiniLmEmbeddingGenerator("k", o => o.BatchSize = -1));
    }

    [Fact]
    public async Task AddKeyedMiniLmEmbeddingGenerator_ResolvesByKeyOnly()
    {
        var services = new ServiceCollection().AddKeyedMiniLmEmbeddingGenerator("docs");
        await using var provider = services.BuildServiceProvider();

        Assert.NotNull(provider.GetKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("docs"));
        Assert.Null(provider.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
    }
}
