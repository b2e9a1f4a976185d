using System.Text;
using System.Text.Json;
using Agents.Testing;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Agents.Tests.Middleware;

public class ResponseCachingGeneratorTests
{
    private readonly RecordingDistributedCache _cache = new();
    private int _generateCalls;
    private int _streamCalls;

    private TestGenerator Backend(FinishReason? finishReason = FinishReason.Stop) => new()
    {
        GenerateAsyncCallback = (r, _) =>
        {
            Interlocked.Increment(ref _generateCalls);
            return Task.FromResult(new GenerationResult(
                Message.Assistant("answer to " + r.Messages[^1].Text) with { ToolCalls = [new ToolCall("c1", "lookup", """{"q":"x"}""")] })
            {
                FinishReason = finishReason,
                Usage = new Usage { PromptTokens = 10, CompletionTokens = 4, CachedPromptTokens = 3, CacheWritePromptTokens = 1 },
                ModelId = "m1",
                ResponseId = "resp-" + _generateCalls,
                Timings = new GenerationTimings { Total = TimeSpan.FromSeconds(1) },
            });
        },
        StreamAsyncCallback = (r, ct) =>
        {
            Interlocked.Increment(ref _streamCalls);
            return TestStreams.FromUpdates(
            [
                new GenerationUpdate { Text = "streamed ", ModelId = "m1" },
                new GenerationUpdate { Text = r.Messages[^1].Text, ResponseId = "s1" },
                new GenerationUpdate { FinishReason = finishReason, Usage = new Usage { PromptTokens = 6, CompletionTokens = 2 } },
            ], ct);
        },
    };

    private ResponseCachingGenerator Create(IGenerator backend, ILogger? logger = null) => new(backend, _cache, logger);

    private static GenerationOptions Greedy() => new() { Decoding = DecodingStrategy.Greedy, MaxTokens = 32 };

    private static bool IsHit(IDictionary<string, object?>? properties) =>
        properties is not null && properties.TryGetValue(ResponseCachingGenerator.CacheHitPropertyName, out var hit) && hit is true;

    [Fact]
    public async Task GenerateAsync_SameRequestTwice_SecondIsServedFromCacheAndMarked()
    {
        using var generator = Create(Backend());

        var first = await generator.GenerateAsync("hi", Greedy());
        var second = await generator.GenerateAsync("hi", Greedy());

        Assert.Equal(1, _generateCalls);
        Assert.False(IsHit(first.AdditionalProperties));
        Assert.True(IsHit(second.AdditionalProperties));
        Assert.Equal(first.Message, second.Message);
        Assert.Equal(first.Usage, second.Usage);
        Assert.Equal(first.FinishReason, second.FinishReason);
        Assert.Equal(first.ModelId, second.ModelId);
        Assert.Equal(first.ResponseId, second.ResponseId);
        Assert.Null(second.Timings);
    }

    [Fact]
    public async Task GenerateAsync_NoOptions_IsCached()
    {
        using var generator = Create(Backend());

        await generator.GenerateAsync("hi");
        var second = await generator.GenerateAsync("hi");

        Assert.Equal(1, _generateCalls);
        Assert.True(IsHit(second.AdditionalProperties));
    }

    public static TheoryData<string> OptionChanges() =>
    [
        "MaxTokens", "Temperature", "TopK", "TopP", "MinP", "RepetitionPenalty", "FrequencyPenalty", "PresencePenalty", "Seed",
        "StopSequences", "Decoding", "BeamWidth", "ResponseFormat", "ResponseSchema", "Tools", "ToolSchema", "AllowParallelToolCalls",
        "IncludeLogProbabilities", "TenantKey", "ModelId", "AdditionalProperties", "AdditionalPropertyValue",
    ];

    [Theory]
    [MemberData(nameof(OptionChanges))]
    public void GetCacheKey_AnyOptionChanged_GivesAnotherKey(string change)
    {
        using var generator = Create(Backend());
        var baseline = BaselineOptions();
        var changed = BaselineOptions();
        Apply(changed, change);

        Assert.NotEqual(
            generator.GetCacheKey(GenerationRequest.FromPrompt("hi", baseline)),
            generator.GetCacheKey(GenerationRequest.FromPrompt("hi", changed)));
    }

    public static TheoryData<string> MessageChanges() => ["Role", "Text", "Name", "ToolCallId", "ToolCallArguments", "ToolCallName", "ExtraMessage"];

    [Theory]
    [MemberData(nameof(MessageChanges))]
    public void GetCacheKey_AnyMessageChanged_GivesAnotherKey(string change)
    {
        using var generator = Create(Backend());
        Message[] baseline = [Message.System("sys"), Message.User("q") with { Name = "ann" }, AssistantWithCall(), Message.ToolResult("c1", "42")];
        var changed = baseline.ToList();
        switch (change)
        {
            case "Role": changed[1] = changed[1] with { Role = MessageRole.System }; break;
            case "Text": changed[1] = changed[1] with { Text = "q2" }; break;
            case "Name": changed[1] = changed[1] with { Name = "bob" }; break;
            case "ToolCallId": changed[3] = Message.ToolResult("c2", "42"); break;
            case "ToolCallArguments": changed[2] = changed[2] with { ToolCalls = [new ToolCall("c1", "lookup", """{"q":"y"}""")] }; break;
            case "ToolCallName": changed[2] = changed[2] with { ToolCalls = [new ToolCall("c1", "search", """{"q":"x"}""")] }; break;
            case "ExtraMessage": changed.Add(Message.User("more")); break;
        }

        Assert.NotEqual(generator.GetCacheKey(new GenerationRequest(baseline)), generator.GetCacheKey(new GenerationRequest(changed)));

        static Message AssistantWithCall() => Message.Assistant("") with { ToolCalls = [new ToolCall("c1", "lookup", """{"q":"x"}""")] };
    }

    [Fact]
    public void GetCacheKey_StablePrefixCountsOnly_GiveTheSameKey()
    {
        using var generator = Create(Backend());
        var a = BaselineOptions();
        var b = BaselineOptions();
        b.CacheHint = b.CacheHint! with { StablePrefixMessageCount = 1, SharedPrefixMessageCount = 1 };

        Assert.Equal(generator.GetCacheKey(GenerationRequest.FromPrompt("hi", a)), generator.GetCacheKey(GenerationRequest.FromPrompt("hi", b)));
    }

    [Fact]
    public void GetCacheKey_BackendModelDiffers_GivesAnotherKey()
    {
        var backendA = Backend();
        var backendB = Backend();
        backendB.Metadata = backendB.Metadata with { ModelId = "another-model" };
        using var a = Create(backendA);
        using var b = Create(backendB);

        Assert.NotEqual(a.GetCacheKey(GenerationRequest.FromPrompt("hi")), b.GetCacheKey(GenerationRequest.FromPrompt("hi")));
    }

    [Fact]
    public void GetCacheKey_UsesPrefix()
    {
        using var generator = Create(Backend());
        generator.KeyPrefix = "app7:";

        var key = generator.GetCacheKey(GenerationRequest.FromPrompt("hi"));

        Assert.StartsWith("app7:", key, StringComparison.Ordinal);
        Assert.Equal("app7:".Length + 64, key.Length);
    }

    [Fact]
    public async Task GenerateAsync_ChangedOption_Misses()
    {
        using var generator = Create(Backend());

        await generator.GenerateAsync("hi", Greedy());
        var options = Greedy();
        options.MaxTokens = 33;
        var second = await generator.GenerateAsync("hi", options);

        Assert.Equal(2, _generateCalls);
        Assert.False(IsHit(second.AdditionalProperties));
    }

    [Fact]
    public async Task GenerateAsync_SamplingWithoutSeed_IsNotCachedByDefault()
    {
        using var generator = Create(Backend());
        var options = new GenerationOptions { Temperature = 0.8f };

        await generator.GenerateAsync("hi", options);
        await generator.GenerateAsync("hi", options);

        Assert.Equal(2, _generateCalls);
        Assert.Empty(_cache.Writes);
    }

    [Fact]
    public async Task GenerateAsync_SamplingWithSeed_IsCached()
    {
        using var generator = Create(Backend());
        var options = new GenerationOptions { Temperature = 0.8f, Seed = 1 };

        await generator.GenerateAsync("hi", options);
        await generator.GenerateAsync("hi", options);

        Assert.Equal(1, _generateCalls);
    }

    [Fact]
    public async Task GenerateAsync_SamplingWithoutSeedAndOptIn_IsCached()
    {
        using var generator = Create(Backend());
        generator.CacheNonDeterministicRequests = true;
        var options = new GenerationOptions { Decoding = DecodingStrategy.Sampling };

        await generator.GenerateAsync("hi", options);
        await generator.GenerateAsync("hi", options);

        Assert.Equal(1, _generateCalls);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(FinishReason.ContentFilter)]
    public async Task GenerateAsync_IncompleteResult_IsNotStored(FinishReason? finishReason)
    {
        using var generator = Create(Backend(finishReason));

        await generator.GenerateAsync("hi");
        await generator.GenerateAsync("hi");

        Assert.Equal(2, _generateCalls);
        Assert.Empty(_cache.Writes);
    }

    [Fact]
    public async Task GenerateAsync_WritesWithConfiguredEntryOptions()
    {
        using var generator = Create(Backend());
        var entryOptions = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) };
        generator.EntryOptions = entryOptions;

        await generator.GenerateAsync("hi");

        var write = Assert.Single(_cache.Writes);
        Assert.Same(entryOptions, write.Options);
        Assert.Equal(generator.GetCacheKey(GenerationRequest.FromPrompt("hi")), write.Key);
    }

    [Fact]
    public async Task StreamAsync_MissThenHit_ReplaysAsStreamWithHitOnLastUpdate()
    {
        using var generator = Create(Backend());

        var live = await TestStreams.ReadAllAsync(generator.StreamAsync("hi", Greedy()));
        var replay = await TestStreams.ReadAllAsync(generator.StreamAsync("hi", Greedy()));

        Assert.Equal(1, _streamCalls);
        Assert.Equal(3, live.Count);
        Assert.All(live, u => Assert.False(IsHit(u.AdditionalProperties)));
        Assert.True(replay.Count >= 2);
        Assert.Equal("streamed hi", string.Concat(replay.Select(u => u.Text)));
        Assert.True(IsHit(replay[^1].AdditionalProperties));
        Assert.Equal(FinishReason.Stop, replay[^1].FinishReason);
        Assert.Equal(new Usage { PromptTokens = 6, CompletionTokens = 2 }, replay[^1].Usage);
    }

    [Fact]
    public async Task GenerateAsync_AfterCompletedStream_IsServedFromCache()
    {
        using var generator = Create(Backend());

        await TestStreams.ReadAllAsync(generator.StreamAsync("hi"));
        var result = await generator.GenerateAsync("hi");

        Assert.Equal(0, _generateCalls);
        Assert.Equal("streamed hi", result.Text);
        Assert.Equal("s1", result.ResponseId);
        Assert.True(IsHit(result.AdditionalProperties));
    }

    [Fact]
    public async Task StreamAsync_AfterGenerate_ReplaysToolCalls()
    {
        using var generator = Create(Backend());

        await generator.GenerateAsync("hi");
        var replay = await TestStreams.ReadAllAsync(generator.StreamAsync("hi"));

        Assert.Equal(0, _streamCalls);
        Assert.Equal(new ToolCall("c1", "lookup", """{"q":"x"}"""), Assert.Single(replay.SelectMany(u => u.ToolCalls)));
        Assert.Equal(new Usage { PromptTokens = 10, CompletionTokens = 4, CachedPromptTokens = 3, CacheWritePromptTokens = 1 }, replay.ToResult().Usage);
    }

    [Fact]
    public async Task StreamAsync_FailingStream_IsNotStored()
    {
        var backend = Backend();
        backend.StreamAsyncCallback = (_, ct) => TestStreams.FailingAfter(2, new ProviderException("reset"), ct);
        using var generator = Create(backend);

        await Assert.ThrowsAsync<ProviderException>(() => TestStreams.ReadAllAsync(generator.StreamAsync("hi")));

        Assert.Empty(_cache.Writes);
    }

    [Fact]
    public async Task StreamAsync_CancelledStream_ThrowsAndIsNotStored()
    {
        using var generator = Create(Backend());
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in generator.StreamAsync("hi", cancellationToken: cts.Token))
            {
                await cts.CancelAsync();
            }
        });

        Assert.Empty(_cache.Writes);
    }

    [Fact]
    public async Task StreamAsync_AbandonedStream_IsNotStored()
    {
        using var generator = Create(Backend());

        await foreach (var _ in generator.StreamAsync("hi"))
        {
            break;
        }

        Assert.Empty(_cache.Writes);
    }

    [Fact]
    public async Task StreamAsync_StreamEndingWithoutFinishReason_IsNotStored()
    {
        using var generator = Create(Backend(finishReason: null));

        var updates = await TestStreams.ReadAllAsync(generator.StreamAsync("hi"));

        Assert.Equal(3, updates.Count);
        Assert.Empty(_cache.Writes);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"text":"x","finish_reason":"NoSuchReason"}""")]
    [InlineData("""{"text":"x"}""")]
    [InlineData("""{"finish_reason":"Stop"}""")]
    [InlineData("""{"text":"x","finish_reason":"Stop","tool_calls":[{"id":null,"name":"n","arguments":"{}"}]}""")]
    [InlineData("[1,2,3]")]
    public async Task GenerateAsync_CorruptEntry_IsAMissLoggedAndOverwritten(string stored)
    {
        var logger = new FakeLogger();
        using var generator = Create(Backend(), logger);
        var key = generator.GetCacheKey(GenerationRequest.FromPrompt("hi"));
        await _cache.SetAsync(key, Encoding.UTF8.GetBytes(stored), new DistributedCacheEntryOptions());

        var first = await generator.GenerateAsync("hi");
        var second = await generator.GenerateAsync("hi");

        Assert.Equal("answer to hi", first.Text);
        Assert.False(IsHit(first.AdditionalProperties));
        Assert.True(IsHit(second.AdditionalProperties));
        Assert.Equal(1, _generateCalls);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task StreamAsync_CorruptEntry_StreamsLive()
    {
        using var generator = Create(Backend());
        await _cache.SetAsync(generator.GetCacheKey(GenerationRequest.FromPrompt("hi")), [0xFF, 0x00, 0x13], new DistributedCacheEntryOptions());

        var updates = await TestStreams.ReadAllAsync(generator.StreamAsync("hi"));

        Assert.Equal(1, _streamCalls);
        Assert.Equal("streamed hi", string.Concat(updates.Select(u => u.Text)));
    }

    [Fact]
    public async Task GenerateAsync_StoredEntry_HoldsNoPromptOnlyTheAnswer()
    {
        using var generator = Create(Backend());

        await generator.GenerateAsync("prompt-text-xyz");

        var bytes = await _cache.GetAsync(Assert.Single(_cache.Writes).Key);
        using var document = JsonDocument.Parse(bytes!);
        Assert.Equal("answer to prompt-text-xyz", document.RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task UseResponseCache_NoCacheGiven_UsesTheServicesCache()
    {
        using var services = new ServiceCollection().AddDistributedMemoryCache().BuildServiceProvider();
        var backend = Backend();
        var built = new GeneratorBuilder(backend).UseResponseCache(configure: c => c.KeyPrefix = "x:").Build(services);

        await built.GenerateAsync("hi");
        var second = await built.GenerateAsync("hi");

        Assert.Equal(1, _generateCalls);
        Assert.True(IsHit(second.AdditionalProperties));
        Assert.Equal("x:", built.GetService<ResponseCachingGenerator>()!.KeyPrefix);
    }

    [Fact]
    public void UseResponseCache_NoCacheAnywhere_FailsAtBuild()
    {
        var builder = new GeneratorBuilder(Backend()).UseResponseCache();

        var error = Assert.Throws<InvalidOperationException>(() => builder.Build());

        Assert.Contains("IDistributedCache", error.Message, StringComparison.Ordinal);
    }

    private static GenerationOptions BaselineOptions() => new()
    {
        MaxTokens = 10,
        Temperature = 0f,
        TopK = 40,
        TopP = 0.9f,
        MinP = 0.05f,
        RepetitionPenalty = 1.1f,
        FrequencyPenalty = 0.1f,
        PresencePenalty = 0.2f,
        Seed = 7,
        StopSequences = ["END"],
        Decoding = DecodingStrategy.Beam(2),
        ResponseFormat = ResponseFormat.ForJsonSchema(JsonDocument.Parse("""{"type":"object"}""").RootElement, "s"),
        Tools = [new ToolDefinition("lookup", "finds", JsonDocument.Parse("""{"type":"object","properties":{"q":{"type":"string"}}}""").RootElement)],
        AllowParallelToolCalls = false,
        IncludeLogProbabilities = false,
        CacheHint = new CacheHint { TenantKey = "t1" },
        ModelId = "m-a",
        AdditionalProperties = new Dictionary<string, object?> { ["k"] = 1 },
    };

    private static void Apply(GenerationOptions o, string change)
    {
        switch (change)
        {
            case "MaxTokens": o.MaxTokens = 11; break;
            case "Temperature": o.Temperature = 0.1f; break;
            case "TopK": o.TopK = 41; break;
            case "TopP": o.TopP = 0.91f; break;
            case "MinP": o.MinP = 0.06f; break;
            case "RepetitionPenalty": o.RepetitionPenalty = 1.2f; break;
            case "FrequencyPenalty": o.FrequencyPenalty = 0.3f; break;
            case "PresencePenalty": o.PresencePenalty = 0.3f; break;
            case "Seed": o.Seed = 8; break;
            case "StopSequences": o.StopSequences = ["END", "X"]; break;
            case "Decoding": o.Decoding = DecodingStrategy.Greedy; break;
            case "BeamWidth": o.Decoding = DecodingStrategy.Beam(3); break;
            case "ResponseFormat": o.ResponseFormat = ResponseFormat.Json; break;
            case "ResponseSchema": o.ResponseFormat = ResponseFormat.ForJsonSchema(JsonDocument.Parse("""{"type":"array"}""").RootElement, "s"); break;
            case "Tools": o.Tools = [.. o.Tools!, new ToolDefinition("other")]; break;
            case "ToolSchema": o.Tools = [new ToolDefinition("lookup", "finds")]; break;
            case "AllowParallelToolCalls": o.AllowParallelToolCalls = true; break;
            case "IncludeLogProbabilities": o.IncludeLogProbabilities = true; break;
            case "TenantKey": o.CacheHint = new CacheHint { TenantKey = "t2" }; break;
            case "ModelId": o.ModelId = "m-b"; break;
            case "AdditionalProperties": o.AdditionalProperties!["extra"] = "v"; break;
            case "AdditionalPropertyValue": o.AdditionalProperties!["k"] = 2; break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, null);
        }
    }
}
