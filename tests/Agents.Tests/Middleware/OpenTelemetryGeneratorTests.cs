using System.Diagnostics;
using System.Runtime.CompilerServices;
using Agents.Testing;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Agents.Tests.Middleware;

public sealed class OpenTelemetryGeneratorTests : IDisposable
{
    private const string Prompt = "my secret prompt 4711";

    // A source name of its own per test, so parallel tests never see each other's spans or measurements.
    private readonly string _sourceName = "Agents.Tests." + Guid.NewGuid().ToString("N");
    private readonly List<Activity> _activities = [];
    private readonly ActivityListener _listener;
    private readonly FakeTimeProvider _time = new();

    public OpenTelemetryGeneratorTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == _sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (_activities)
                {
                    _activities.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    private TestGenerator Backend() => new()
    {
        Metadata = new GeneratorMetadata("llama.cpp", "tiny-model"),
        GenerateAsyncCallback = (_, _) =>
        {
            _time.Advance(TimeSpan.FromSeconds(2));
            return Task.FromResult(new GenerationResult("the answer")
            {
                FinishReason = FinishReason.Length,
                Usage = new Usage { PromptTokens = 12, CompletionTokens = 5, CachedPromptTokens = 8 },
                ModelId = "tiny-model-q4",
                ResponseId = "resp-1",
            });
        },
        StreamAsyncCallback = (_, ct) => TimedStream(ct),
    };

    private async IAsyncEnumerable<GenerationUpdate> TimedStream([EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        _time.Advance(TimeSpan.FromSeconds(0.5));
        yield return new GenerationUpdate { Text = "the ", ModelId = "tiny-model-q4", ResponseId = "resp-2" };
        _time.Advance(TimeSpan.FromSeconds(1));
        ct.ThrowIfCancellationRequested();
        yield return new GenerationUpdate { Text = "answer" };
        yield return new GenerationUpdate { FinishReason = FinishReason.Stop, Usage = new Usage { PromptTokens = 12, CompletionTokens = 2 } };
    }

    private OpenTelemetryGenerator Create(IGenerator backend, bool sensitive = false) =>
        new(backend, _sourceName, timeProvider: _time) { EnableSensitiveData = sensitive };

    private static GenerationOptions FullOptions() => new()
    {
        MaxTokens = 64,
        Temperature = 0.5f,
        TopP = 0.9f,
        TopK = 40,
        Seed = 42,
        StopSequences = ["END", "STOP"],
        FrequencyPenalty = 0.25f,
        PresencePenalty = 0.75f,
    };

    [Fact]
    public async Task GenerateAsync_RecordsSpanWithGenAiAttributes()
    {
        using var generator = Create(Backend());

        await generator.GenerateAsync(Prompt, FullOptions());

        var span = Assert.Single(_activities);
        Assert.Equal("chat tiny-model", span.DisplayName);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal("chat", span.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("llama.cpp", span.GetTagItem("gen_ai.provider.name"));
        Assert.Equal("tiny-model", span.GetTagItem("gen_ai.request.model"));
        Assert.Equal(64, span.GetTagItem("gen_ai.request.max_tokens"));
        Assert.Equal(0.5, span.GetTagItem("gen_ai.request.temperature"));
        Assert.Equal((double)0.9f, span.GetTagItem("gen_ai.request.top_p"));
        Assert.Equal(40.0, span.GetTagItem("gen_ai.request.top_k"));
        Assert.Equal(42L, span.GetTagItem("gen_ai.request.seed"));
        Assert.Equal(["END", "STOP"], Assert.IsType<string[]>(span.GetTagItem("gen_ai.request.stop_sequences")));
        Assert.Equal("tiny-model-q4", span.GetTagItem("gen_ai.response.model"));
        Assert.Equal("resp-1", span.GetTagItem("gen_ai.response.id"));
        Assert.Equal(["length"], Assert.IsType<string[]>(span.GetTagItem("gen_ai.response.finish_reasons")));
        Assert.Equal(12, span.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(5, span.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal(8, span.GetTagItem("gen_ai.usage.cache_read.input_tokens"));
        Assert.Null(span.GetTagItem("error.type"));
        Assert.Null(span.GetTagItem("gen_ai.input.messages"));
        Assert.Null(span.GetTagItem("gen_ai.output.messages"));
    }

    [Fact]
    public async Task GenerateAsync_RequestModelOption_NamesTheSpan()
    {
        using var generator = Create(Backend());

        await generator.GenerateAsync(Prompt, new GenerationOptions { ModelId = "other-model" });

        Assert.Equal("chat other-model", Assert.Single(_activities).DisplayName);
    }

    [Fact]
    public async Task GenerateAsync_RecordsDurationAndTokenUsageMetrics()
    {
        using var duration = new MetricCollector<double>(null, _sourceName, "gen_ai.client.operation.duration");
        using var tokens = new MetricCollector<int>(null, _sourceName, "gen_ai.client.token.usage");
        using var cached = new MetricCollector<long>(null, _sourceName, "gen_ai.client.inference.usage.cache_read.input_tokens");
        using var firstChunk = new MetricCollector<double>(null, _sourceName, "gen_ai.client.operation.time_to_first_chunk");
        using var generator = Create(Backend());

        await generator.GenerateAsync(Prompt);

        var d = Assert.Single(duration.GetMeasurementSnapshot());
        Assert.Equal(2.0, d.Value);
        Assert.Equal("chat", d.Tags["gen_ai.operation.name"]);
        Assert.Equal("llama.cpp", d.Tags["gen_ai.provider.name"]);
        Assert.Equal("tiny-model", d.Tags["gen_ai.request.model"]);
        Assert.Equal("tiny-model-q4", d.Tags["gen_ai.response.model"]);
        Assert.False(d.Tags.ContainsKey("error.type"));
        var t = tokens.GetMeasurementSnapshot();
        Assert.Equal(12, Assert.Single(t, m => (string?)m.Tags["gen_ai.token.type"] == "input").Value);
        Assert.Equal(5, Assert.Single(t, m => (string?)m.Tags["gen_ai.token.type"] == "output").Value);
        Assert.Equal(8, Assert.Single(cached.GetMeasurementSnapshot()).Value);
        Assert.Empty(firstChunk.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task StreamAsync_RecordsTimeToFirstChunkDurationAndUsage()
    {
        using var duration = new MetricCollector<double>(null, _sourceName, "gen_ai.client.operation.duration");
        using var tokens = new MetricCollector<int>(null, _sourceName, "gen_ai.client.token.usage");
        using var firstChunk = new MetricCollector<double>(null, _sourceName, "gen_ai.client.operation.time_to_first_chunk");
        using var generator = Create(Backend());

        var updates = await TestStreams.ReadAllAsync(generator.StreamAsync(Prompt));

        Assert.Equal(3, updates.Count);
        Assert.Equal(0.5, Assert.Single(firstChunk.GetMeasurementSnapshot()).Value);
        Assert.Equal(1.5, Assert.Single(duration.GetMeasurementSnapshot()).Value);
        Assert.Equal(2, Assert.Single(tokens.GetMeasurementSnapshot(), m => (string?)m.Tags["gen_ai.token.type"] == "output").Value);
        var span = Assert.Single(_activities);
        Assert.Equal(true, span.GetTagItem("gen_ai.request.stream"));
        Assert.Equal(0.5, span.GetTagItem("gen_ai.response.time_to_first_chunk"));
        Assert.Equal("resp-2", span.GetTagItem("gen_ai.response.id"));
        Assert.Equal(["stop"], Assert.IsType<string[]>(span.GetTagItem("gen_ai.response.finish_reasons")));
    }

    [Fact]
    public async Task GenerateAsync_SensitiveDataOn_RecordsInputAndOutputMessages()
    {
        using var generator = Create(Backend(), sensitive: true);

        await generator.GenerateAsync(Prompt);

        var span = Assert.Single(_activities);
        var input = Assert.IsType<string>(span.GetTagItem("gen_ai.input.messages"));
        var output = Assert.IsType<string>(span.GetTagItem("gen_ai.output.messages"));
        Assert.Contains(Prompt, input, StringComparison.Ordinal);
        Assert.Contains("\"role\":\"user\"", input, StringComparison.Ordinal);
        Assert.Contains("the answer", output, StringComparison.Ordinal);
        Assert.Contains("\"finish_reason\":\"length\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_SensitiveDataOn_RecordsAccumulatedOutput()
    {
        using var generator = Create(Backend(), sensitive: true);

        await TestStreams.ReadAllAsync(generator.StreamAsync(Prompt));

        var output = Assert.IsType<string>(Assert.Single(_activities).GetTagItem("gen_ai.output.messages"));
        Assert.Contains("the answer", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_Failure_SetsErrorTypeOnSpanAndDuration()
    {
        using var duration = new MetricCollector<double>(null, _sourceName, "gen_ai.client.operation.duration");
        var backend = Backend();
        backend.GenerateAsyncCallback = (_, _) => Task.FromException<GenerationResult>(new RateLimitedException("slow down"));
        using var generator = Create(backend);

        await Assert.ThrowsAsync<RateLimitedException>(() => generator.GenerateAsync(Prompt));

        var span = Assert.Single(_activities);
        Assert.Equal(typeof(RateLimitedException).FullName, span.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(typeof(RateLimitedException).FullName, Assert.Single(duration.GetMeasurementSnapshot()).Tags["error.type"]);
    }

    [Fact]
    public async Task StreamAsync_FailureMidStream_SetsErrorType()
    {
        var backend = Backend();
        backend.StreamAsyncCallback = (_, ct) => TestStreams.FailingAfter(1, new ContentBlockedException("blocked"), ct);
        using var generator = Create(backend);

        await Assert.ThrowsAsync<ContentBlockedException>(() => TestStreams.ReadAllAsync(generator.StreamAsync(Prompt)));

        Assert.Equal(typeof(ContentBlockedException).FullName, Assert.Single(_activities).GetTagItem("error.type"));
    }

    [Fact]
    public void StreamAsync_NobodyListening_ReturnsTheInnerStreamUntouched()
    {
        var stream = TestStreams.Endless();
        var backend = new TestGenerator { StreamAsyncCallback = (_, _) => stream };
        using var generator = new OpenTelemetryGenerator(backend, "Agents.Tests.Unheard." + Guid.NewGuid().ToString("N"));

        Assert.Same(stream, generator.StreamAsync("x"));
    }

    [Fact]
    public async Task StreamAsync_CallerStopsEarly_EndsTheSpanAndRecordsDuration()
    {
        using var duration = new MetricCollector<double>(null, _sourceName, "gen_ai.client.operation.duration");
        using var generator = Create(Backend());

        await foreach (var _ in generator.StreamAsync(Prompt))
        {
            break;
        }

        Assert.Single(_activities);
        Assert.Equal(0.5, Assert.Single(duration.GetMeasurementSnapshot()).Value);
    }

    [Fact]
    public async Task UseOpenTelemetry_DefaultSourceName_IsAgents()
    {
        var built = new GeneratorBuilder(Backend()).UseOpenTelemetry(configure: g => g.EnableSensitiveData = true).Build();

        var telemetry = built.GetService<OpenTelemetryGenerator>();

        Assert.NotNull(telemetry);
        Assert.Equal("Agents", OpenTelemetryGenerator.DefaultSourceName);
        Assert.Equal(OpenTelemetryGenerator.DefaultSourceName, telemetry.SourceName);
        Assert.True(telemetry.EnableSensitiveData);
        var model = "model-" + Guid.NewGuid().ToString("N");
        var seen = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Agents",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (seen)
                {
                    seen.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await built.GenerateAsync("hello", new GenerationOptions { ModelId = model });
        lock (seen)
        {
            Assert.Contains(seen, a => a.DisplayName == "chat " + model);
        }
    }

    [Theory]
    [InlineData("openai", "https://my-resource.openai.azure.com/openai/v1/", "azure.ai.openai", "my-resource.openai.azure.com", 443)]
    [InlineData("openai", "https://my-resource.cognitiveservices.azure.com/openai/v1/", "azure.ai.openai", "my-resource.cognitiveservices.azure.com", 443)]
    [InlineData("openai", "https://api.openai.com/v1/", "openai", "api.openai.com", 443)]
    [InlineData("openai", "http://127.0.0.1:8080/v1/", "openai", "127.0.0.1", 8080)]
    [InlineData("anthropic", "https://api.anthropic.com/", "anthropic", "api.anthropic.com", 443)]
    public async Task GenerateAsync_Endpoint_RecordsServerAndConventionalProviderName(string provider, string endpoint, string expectedProvider, string host, int port)
    {
        using var duration = new MetricCollector<double>(null, _sourceName, "gen_ai.client.operation.duration");
        var backend = Backend();
        backend.Metadata = new GeneratorMetadata(provider, "m") { Endpoint = new Uri(endpoint) };
        using var generator = Create(backend);

        await generator.GenerateAsync(Prompt);

        var span = Assert.Single(_activities);
        Assert.Equal(expectedProvider, span.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(host, span.GetTagItem("server.address"));
        Assert.Equal(port, span.GetTagItem("server.port"));
        var d = Assert.Single(duration.GetMeasurementSnapshot());
        Assert.Equal(expectedProvider, d.Tags["gen_ai.provider.name"]);
        Assert.Equal(host, d.Tags["server.address"]);
        Assert.Equal(port, d.Tags["server.port"]);
    }

    [Fact]
    public async Task GenerateAsync_NoEndpoint_RecordsNoServer()
    {
        using var duration = new MetricCollector<double>(null, _sourceName, "gen_ai.client.operation.duration");
        using var generator = Create(Backend());

        await generator.GenerateAsync(Prompt);

        Assert.Null(Assert.Single(_activities).GetTagItem("server.address"));
        Assert.False(Assert.Single(duration.GetMeasurementSnapshot()).Tags.ContainsKey("server.address"));
    }

    [Fact]
    public async Task GenerateAsync_CacheWriteTokens_RecordedAsCacheCreationInputTokens()
    {
        var backend = Backend();
        backend.GenerateAsyncCallback = (_, _) => Task.FromResult(new GenerationResult("x")
        {
            Usage = new Usage { PromptTokens = 40, CompletionTokens = 1, CachedPromptTokens = 10, CacheWritePromptTokens = 25 },
        });
        using var generator = Create(backend);

        await generator.GenerateAsync(Prompt);

        var span = Assert.Single(_activities);
        Assert.Equal(10, span.GetTagItem("gen_ai.usage.cache_read.input_tokens"));
        Assert.Equal(25, span.GetTagItem("gen_ai.usage.cache_creation.input_tokens"));
    }
}
