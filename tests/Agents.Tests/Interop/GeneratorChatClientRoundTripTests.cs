using System.Runtime.CompilerServices;
using System.Text.Json;
using Agents.Tests.Middleware;
using Agents.Testing;
using Microsoft.Extensions.AI;

namespace Agents.Tests.Interop;

/// <summary>An Agents generator wrapped as an M.E.AI chat client and back must give back what went in.</summary>
public class GeneratorChatClientRoundTripTests
{
    private static readonly JsonElement WeatherSchema =
        JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""").RootElement;

    internal static GenerationOptions FullOptions() => new()
    {
        MaxTokens = 128,
        Temperature = 0.7f,
        TopK = 40,
        TopP = 0.95f,
        MinP = 0.05f,
        RepetitionPenalty = 1.1f,
        FrequencyPenalty = 0.2f,
        PresencePenalty = 0.3f,
        Seed = 1234,
        StopSequences = ["END", "\n\n"],
        Decoding = DecodingStrategy.Beam(4, 0.8f, returnAllBeams: true),
        ResponseFormat = ResponseFormat.ForJsonSchema(WeatherSchema, "weather"),
        Tools = [new ToolDefinition("get_weather", "Gets the weather.", WeatherSchema), new ToolDefinition("no_args")],
        AllowParallelToolCalls = false,
        ToolChoice = ToolChoice.Function("get_weather"),
        IncludeLogProbabilities = true,
        CacheHint = new CacheHint { StablePrefixMessageCount = 2, SharedPrefixMessageCount = 1, TenantKey = "tenant-9", ToolsAreStable = false },
        ModelId = "model-x",
        AdditionalProperties = new Dictionary<string, object?> { ["custom"] = "value", ["n"] = 3 },
    };

    internal static Message[] Conversation() =>
    [
        Message.System("Be brief."),
        Message.User("Weather in Paris?") with { Name = "ann" },
        Message.Assistant("Let me check.") with { ToolCalls = [new ToolCall("call_1", "get_weather", """{ "city" : "Paris" }""")] },
        Message.ToolResult("call_1", """{"temp":21}""", "get_weather"),
    ];

    internal static GenerationResult FullResult() => new(Message.Assistant("It is 21°C.") with
    {
        ToolCalls = [new ToolCall("call_2", "get_weather", """{"city":"Lyon"}""")],
    })
    {
        FinishReason = FinishReason.StopSequence,
        Usage = new Usage { PromptTokens = 50, CompletionTokens = 7, CachedPromptTokens = 30, CacheWritePromptTokens = 5 },
        Timings = new GenerationTimings { TimeToFirstToken = TimeSpan.FromMilliseconds(20), Total = TimeSpan.FromMilliseconds(90) },
        ModelId = "model-x-q4",
        ResponseId = "resp-77",
        LogProbabilities = [new TokenLogProbability("It", -0.1, 12)],
        Beams = [new BeamResult("It is 21°C.", -1.5, -0.3, 5)],
        AdditionalProperties = new Dictionary<string, object?> { ["provider_data"] = "abc" },
    };

    [Fact]
    public async Task GenerateAsync_ThroughChatClientAndBack_GivesEqualRequestAndResult()
    {
        var expected = FullResult();
        var backend = new TestGenerator { GenerateAsyncCallback = (_, _) => Task.FromResult(expected) };
        var roundTripped = backend.AsChatClient().AsGenerator();
        var options = FullOptions();

        var result = await roundTripped.GenerateAsync(new GenerationRequest(Conversation(), options));

        var seen = Assert.Single(backend.Requests);
        Assert.Equal(Conversation(), seen.Messages);
        InteropAssert.OptionsEqual(options, seen.Options);
        InteropAssert.ResultsEqual(expected, result);
    }

    [Fact]
    public async Task GenerateAsync_NullOptions_StayNull()
    {
        var backend = new TestGenerator();

        await backend.AsChatClient().AsGenerator().GenerateAsync("hi");

        Assert.Null(Assert.Single(backend.Requests).Options);
    }

    [Theory]
    [InlineData(FinishReason.Stop)]
    [InlineData(FinishReason.Length)]
    [InlineData(FinishReason.StopSequence)]
    [InlineData(FinishReason.ToolCalls)]
    [InlineData(FinishReason.ContentFilter)]
    public async Task GenerateAsync_EveryFinishReason_RoundTrips(FinishReason reason)
    {
        var backend = new TestGenerator { GenerateAsyncCallback = (_, _) => Task.FromResult(new GenerationResult("x") { FinishReason = reason }) };

        var result = await backend.AsChatClient().AsGenerator().GenerateAsync("hi");

        Assert.Equal(reason, result.FinishReason);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public async Task GenerateAsync_SimpleResponseFormats_RoundTrip(string kind)
    {
        var backend = new TestGenerator();
        var format = kind == "json" ? ResponseFormat.Json : ResponseFormat.Text;

        await backend.AsChatClient().AsGenerator().GenerateAsync("hi", new GenerationOptions { ResponseFormat = format });

        Assert.Equal(format, Assert.Single(backend.Requests).Options!.ResponseFormat);
    }

    [Fact]
    public async Task StreamAsync_ThroughChatClientAndBack_GivesEqualUpdates()
    {
        var full = FullResult();
        GenerationUpdate[] updates =
        [
            new() { Text = "It is ", ModelId = "model-x-q4", ResponseId = "resp-77", LogProbabilities = full.LogProbabilities },
            new() { Text = "21°C.", ToolCalls = full.Message.ToolCalls },
            new()
            {
                FinishReason = FinishReason.ToolCalls,
                Usage = full.Usage,
                Timings = full.Timings,
                Beams = full.Beams,
                AdditionalProperties = new Dictionary<string, object?> { ["k"] = "v" },
            },
        ];
        var backend = new TestGenerator { StreamAsyncCallback = (_, ct) => TestStreams.FromUpdates(updates, ct) };

        var received = await TestStreams.ReadAllAsync(
            backend.AsChatClient().AsGenerator().StreamAsync(new GenerationRequest(Conversation(), FullOptions())));

        Assert.Equal(updates.Length, received.Count);
        for (var i = 0; i < updates.Length; i++)
        {
            InteropAssert.UpdatesEqual(updates[i], received[i]);
        }

        InteropAssert.OptionsEqual(FullOptions(), Assert.Single(backend.Requests).Options);
    }

    [Fact]
    public async Task AsChatClient_GetResponse_MapsToolCallsUsageAndFinishReasonToMeai()
    {
        var backend = new TestGenerator { GenerateAsyncCallback = (_, _) => Task.FromResult(FullResult()) };
        var client = backend.AsChatClient();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);

        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(50, response.Usage!.InputTokenCount);
        Assert.Equal(7, response.Usage.OutputTokenCount);
        Assert.Equal(57, response.Usage.TotalTokenCount);
        Assert.Equal(30, response.Usage.CachedInputTokenCount);
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("call_2", call.CallId);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Lyon", ((JsonElement)call.Arguments!["city"]!).GetString());
        Assert.Equal("It is 21°C.", response.Text);
        Assert.Equal("resp-77", response.ResponseId);
    }

    [Fact]
    public async Task AsChatClient_OptionsLackingInMeai_TravelAsAgentsProperties()
    {
        ChatOptions? seen = null;
        var chatClient = new TestChatClient
        {
            GetResponseAsyncCallback = (_, o, _) =>
            {
                seen = o;
                return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "x")));
            },
        };

        await chatClient.AsGenerator().GenerateAsync("hi", FullOptions());

        Assert.NotNull(seen);
        Assert.Equal(128, seen.MaxOutputTokens);
        Assert.Equal(0.95f, seen.TopP);
        Assert.Equal(1234L, seen.Seed);
        Assert.False(seen.AllowMultipleToolCalls);
        Assert.Equal(0.05f, seen.AdditionalProperties![ChatInteropPropertyNames.MinP]);
        Assert.Equal(1.1f, seen.AdditionalProperties[ChatInteropPropertyNames.RepetitionPenalty]);
        Assert.Equal(DecodingStrategy.Beam(4, 0.8f, true), seen.AdditionalProperties[ChatInteropPropertyNames.Decoding]);
        Assert.Equal(true, seen.AdditionalProperties[ChatInteropPropertyNames.IncludeLogProbabilities]);
        Assert.Equal("tenant-9", Assert.IsType<CacheHint>(seen.AdditionalProperties[ChatInteropPropertyNames.CacheHint]).TenantKey);
        Assert.Equal("value", seen.AdditionalProperties["custom"]);
        var tool = Assert.IsAssignableFrom<AIFunctionDeclaration>(seen.Tools![0]);
        Assert.Equal("get_weather", tool.Name);
        Assert.Equal(WeatherSchema.GetRawText(), tool.JsonSchema.GetRawText());
        var format = Assert.IsType<ChatResponseFormatJson>(seen.ResponseFormat);
        Assert.Equal("weather", format.SchemaName);
    }

    [Fact]
    public async Task AsChatClient_Cancelled_ThrowsOperationCanceled()
    {
        var backend = new TestGenerator { StreamAsyncCallback = (_, ct) => TestStreams.Endless(ct) };
        var client = backend.AsChatClient();
        using var cts = new CancellationTokenSource();
        var received = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "go")], cancellationToken: cts.Token))
            {
                if (++received == 2)
                {
                    await cts.CancelAsync();
                }
            }
        });

        Assert.Equal(2, received);
    }

    [Fact]
    public async Task AsChatClient_GetResponse_PassesTheTokenThrough()
    {
        using var cts = new CancellationTokenSource();
        CancellationToken seen = default;
        var backend = new TestGenerator
        {
            GenerateAsyncCallback = (r, ct) =>
            {
                seen = ct;
                return Task.FromResult(new GenerationResult("x"));
            },
        };

        await backend.AsChatClient().GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: cts.Token);

        Assert.Equal(cts.Token, seen);
    }

    [Fact]
    public async Task AsChatClient_Instructions_BecomeALeadingSystemMessage()
    {
        var backend = new TestGenerator();

        await backend.AsChatClient().GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { Instructions = "Be kind." });

        var request = Assert.Single(backend.Requests);
        Assert.Equal([Message.System("Be kind."), Message.User("hi")], request.Messages);
    }

    [Fact]
    public async Task AsChatClient_SeveralResultsInOneToolMessage_BecomeOneToolMessageEach()
    {
        var backend = new TestGenerator();
        ChatMessage[] messages =
        [
            new(ChatRole.User, "both"),
            new(ChatRole.Assistant, [new FunctionCallContent("a", "f", new Dictionary<string, object?> { ["x"] = 1 }), new FunctionCallContent("b", "g")]),
            new(ChatRole.Tool, [new FunctionResultContent("a", "ra"), new FunctionResultContent("b", 42)]),
        ];

        await backend.AsChatClient().GetResponseAsync(messages);

        var seen = Assert.Single(backend.Requests).Messages;
        Assert.Equal(4, seen.Count);
        Assert.Equal([new ToolCall("a", "f", """{"x":1}"""), new ToolCall("b", "g", "{}")], seen[1].ToolCalls);
        Assert.Equal(Message.ToolResult("a", "ra"), seen[2]);
        Assert.Equal(Message.ToolResult("b", "42"), seen[3]);
    }

    [Fact]
    public void AsChatClient_GetService_AnswersMetadataAndPassesThrough()
    {
        var backend = new TestGenerator
        {
            Metadata = new GeneratorMetadata("llama.cpp", "tiny", 2048) { Endpoint = new Uri("http://model.local/") },
        };
        var client = backend.AsChatClient();

        var metadata = client.GetService<ChatClientMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("llama.cpp", metadata.ProviderName);
        Assert.Equal("tiny", metadata.DefaultModelId);
        Assert.Equal(new Uri("http://model.local/"), metadata.ProviderUri);
        Assert.Same(backend, client.GetService<TestGenerator>());
        Assert.Same(backend.Metadata, client.GetService<GeneratorMetadata>());
        Assert.Same(client, client.GetService<IChatClient>());
    }

    [Fact]
    public void AsChatClient_Dispose_LeavesTheGeneratorAlone()
    {
        var backend = new TestGenerator();

        backend.AsChatClient().Dispose();

        Assert.Equal(0, backend.DisposeCount);
    }

    [Fact]
    public void AsChatClient_Null_Throws() => Assert.Throws<ArgumentNullException>(() => ((IGenerator)null!).AsChatClient());

    [Fact]
    public async Task AsChatClient_OverPipeline_StreamsWithCallerCancellationHonoured()
    {
        var backend = new TestGenerator { StreamAsyncCallback = (_, ct) => Slow(ct) };
        var client = new GeneratorBuilder(backend).UseLogging().UseOpenTelemetry().Build().AsChatClient();
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "go")], cancellationToken: cts.Token))
            {
                await cts.CancelAsync();
            }
        });

        static async IAsyncEnumerable<GenerationUpdate> Slow([EnumeratorCancellation] CancellationToken ct)
        {
            yield return new GenerationUpdate { Text = "a" };
            await Task.Delay(Timeout.Infinite, ct);
            yield return new GenerationUpdate { Text = "never" };
        }
    }
}
