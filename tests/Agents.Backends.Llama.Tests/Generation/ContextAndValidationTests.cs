using Agents.Backends.Llama.Tests.Infrastructure;
using Agents.Testing;

namespace Agents.Backends.Llama.Tests.Generation;

public sealed class ContextAndValidationTests(GeneratorFixture fixture) : IClassFixture<GeneratorFixture>
{
    private readonly LlamaGenerator _generator = fixture.Generator;

    private static string LongText(int words) => string.Join(' ', Enumerable.Range(0, words).Select(i => $"word{i}"));

    [Fact]
    public async Task GenerateAsync_PromptOverWindow_ThrowsWithBothNumbersBeforeDecoding()
    {
        var ex = await Assert.ThrowsAsync<ContextWindowExceededException>(
            () => _generator.GenerateAsync(LongText(600), new GenerationOptions { MaxTokens = 10 }));

        Assert.Equal(GeneratorFixture.ContextWindow, ex.ContextWindow);
        Assert.True(ex.PromptTokens > GeneratorFixture.ContextWindow);
        Assert.Equal(10, ex.RequestedCompletionTokens);
    }

    [Fact]
    public async Task GenerateAsync_MaxTokensOverWindow_Throws()
    {
        var ex = await Assert.ThrowsAsync<ContextWindowExceededException>(
            () => _generator.GenerateAsync("short", new GenerationOptions { MaxTokens = GeneratorFixture.ContextWindow }));

        Assert.True(ex.PromptTokens > 0);
        Assert.Equal(GeneratorFixture.ContextWindow, ex.RequestedCompletionTokens);
    }

    [Fact]
    public async Task GenerateAsync_DropOldestTurnsPolicy_KeepsSystemPromptAndFits()
    {
        var options = GeneratorFixture.CreateOptions();
        options.Scheduling.ContextOverflowPolicy = ContextOverflowPolicy.DropOldestTurns;
        options.Scheduling.MaxConcurrentSequences = 2;
        using var generator = new LlamaGenerator(options);
        var messages = new List<Message> { Message.System("You are terse.") };
        for (var i = 0; i < 12; i++)
        {
            messages.Add(Message.User(LongText(30)));
            messages.Add(Message.Assistant(LongText(30)));
        }

        messages.Add(Message.User("And now?"));

        var result = await generator.GenerateAsync(new GenerationRequest(messages, new GenerationOptions { MaxTokens = 8 }));

        Assert.True(result.Usage!.PromptTokens + 8 <= GeneratorFixture.ContextWindow);
        Assert.True(result.Usage.PromptTokens > 20);

        var hopeless = new List<Message> { Message.System(LongText(600)), Message.User("hi") };
        await Assert.ThrowsAsync<ContextWindowExceededException>(
            () => generator.GenerateAsync(new GenerationRequest(hopeless, new GenerationOptions { MaxTokens = 8 })));
    }

    [Fact]
    public async Task Calls_InvalidArguments_ThrowNamingTheOption()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => _generator.GenerateAsync(null!));
        Assert.Throws<ArgumentNullException>(() => _generator.StreamAsync(null!));
        await Assert.ThrowsAsync<ArgumentException>(() => _generator.GenerateAsync(new GenerationRequest([])));
        var topP = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _generator.GenerateAsync("x", new GenerationOptions { TopP = 2 }));
        Assert.Equal("TopP", topP.ParamName);
        var stream = Assert.Throws<ArgumentOutOfRangeException>(() => _generator.StreamAsync("x", new GenerationOptions { MaxTokens = 0 }));
        Assert.Equal("MaxTokens", stream.ParamName);
        Assert.Throws<ArgumentNullException>(() => _generator.GetService(null!));
    }

    [Fact]
    public async Task GenerateAsync_BeamWiderThanConfigured_ThrowsInvalidRequest()
    {
        var ex = await Assert.ThrowsAsync<InvalidRequestException>(
            () => _generator.GenerateAsync("x", new GenerationOptions { Decoding = DecodingStrategy.Beam(9), MaxTokens = 4 }));

        Assert.Equal("BeamWidth", ex.Parameter);
    }

    [Fact]
    public void GetService_OffersMetadataTokenizerAndModelInfo()
    {
        var metadata = _generator.GetMetadata();
        Assert.NotNull(metadata);
        Assert.Equal("llama.cpp", metadata.ProviderName);
        Assert.Equal(GeneratorFixture.ContextWindow, metadata.ContextWindow);
        Assert.True(metadata.Supports(GeneratorCapabilities.Streaming | GeneratorCapabilities.BeamSearch | GeneratorCapabilities.LogProbabilities));
        Assert.Equal("llama", _generator.GetService<LlamaModelInfo>()!.Architecture);
        Assert.Same(_generator, _generator.GetService<LlamaGenerator>());
        Assert.Null(_generator.GetService<ITokenizer>("some-key"));

        var tokenizer = _generator.GetService<ITokenizer>()!;
        var ids = tokenizer.Encode("Hello world");
        Assert.Equal("Hello world", tokenizer.Decode(ids).TrimStart());
        Assert.Equal(ids.Count, tokenizer.CountTokens("Hello world"));
        Assert.Equal(ids.Count + 1, tokenizer.Encode("Hello world", addSpecialTokens: true).Count);
        Assert.Equal(0, tokenizer.CountTokens(string.Empty));
    }

    [Fact]
    public async Task Submit_QueueFull_ThrowsRateLimited()
    {
        var options = GeneratorFixture.CreateOptions();
        options.Scheduling.MaxConcurrentSequences = 1;
        options.Scheduling.MaxQueueLength = 0;
        using var generator = new LlamaGenerator(options);
        using var cts = new CancellationTokenSource();
        var running = generator.GenerateAsync("long", new GenerationOptions { MaxTokens = 400 }, cts.Token);

        var ex = await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync("second", new GenerationOptions { MaxTokens = 4 }));
        Assert.Contains("queue is full", ex.Message, StringComparison.Ordinal);
        Assert.True(ex.IsTransient);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Fact]
    public async Task Dispose_ThenCall_ThrowsObjectDisposed()
    {
        var generator = new LlamaGenerator(GeneratorFixture.CreateOptions());
        generator.Dispose();
        generator.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync("x"));
    }

    [Fact]
    public void Constructor_MissingLoraAdapter_ThrowsModelLoadException()
    {
        var options = GeneratorFixture.CreateOptions();
        options.Load.LoraAdapters = [new LlamaLoraAdapterOptions { Path = "/nonexistent/adapter.gguf", Scale = 0.5f }];

        var ex = Assert.Throws<ModelLoadException>(() => new LlamaGenerator(options));

        Assert.Equal("/nonexistent/adapter.gguf", ex.Path);
    }

    [Fact]
    public void Constructor_ModelFileAsLoraAdapter_ThrowsModelLoadExceptionWithNativeReason()
    {
        var options = GeneratorFixture.CreateOptions();
        options.Load.LoraAdapters = [new LlamaLoraAdapterOptions { Path = TestModel.Path }];

        var ex = Assert.Throws<ModelLoadException>(() => new LlamaGenerator(options));

        Assert.Contains("LoRA", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsListingTheProblems()
    {
        var options = GeneratorFixture.CreateOptions();
        options.Load.ChatTemplateFallback = "klingon";
        options.Load.UBatchSize = 1024;
        options.Scheduling.MaxConcurrentSequences = 64;
        options.Scheduling.MaxBeamWidth = 16;
        options.Scheduling.StreamFlushInterval = TimeSpan.FromSeconds(5);

        var ex = Assert.Throws<ArgumentException>(() => new LlamaGenerator(options));

        Assert.Contains("ChatTemplateFallback", ex.Message, StringComparison.Ordinal);
        Assert.Contains("UBatchSize", ex.Message, StringComparison.Ordinal);
        Assert.Contains("BatchSize (512) must hold", ex.Message, StringComparison.Ordinal);
        Assert.Contains("StreamFlushInterval", ex.Message, StringComparison.Ordinal);
    }
}
