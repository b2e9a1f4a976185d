using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Agents.Tests.Interop;

/// <summary>An M.E.AI chat client wrapped as an Agents generator and back must give back what went in.</summary>
public class ChatClientGeneratorRoundTripTests
{
    private static readonly JsonElement Schema = JsonDocument.Parse("""{"type":"object","properties":{"q":{"type":"string"}}}""").RootElement;

    private static ChatOptions FullChatOptions() => new()
    {
        MaxOutputTokens = 99,
        Temperature = 0.4f,
        TopP = 0.8f,
        TopK = 12,
        FrequencyPenalty = 0.1f,
        PresencePenalty = 0.2f,
        Seed = 77,
        StopSequences = ["STOP"],
        ResponseFormat = ChatResponseFormat.ForJsonSchema(Schema, "answer"),
        Tools = [AIFunctionFactory.CreateDeclaration("search", "Searches.", Schema)],
        AllowMultipleToolCalls = true,
        ToolMode = ChatToolMode.RequireAny,
        ModelId = "chat-model-2",
        AdditionalProperties = new AdditionalPropertiesDictionary
        {
            ["vendor_flag"] = true,
            [ChatInteropPropertyNames.MinP] = 0.1f,
        },
    };

    private static ChatMessage[] ChatConversation() =>
    [
        new(ChatRole.System, "sys"),
        new(ChatRole.User, "find x") { AuthorName = "ann" },
        new(ChatRole.Assistant, [new TextContent("Searching."), new FunctionCallContent("c1", "search", new Dictionary<string, object?> { ["q"] = "x" })]),
        new(ChatRole.Tool, [new FunctionResultContent("c1", "found")]),
    ];

    [Fact]
    public async Task GetResponseAsync_ThroughGeneratorAndBack_GivesEqualOptionsMessagesAndResponse()
    {
        var chatClient = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant,
                [new TextContent("Done."), new FunctionCallContent("c2", "search", new Dictionary<string, object?> { ["q"] = "y" })]))
            {
                FinishReason = ChatFinishReason.ToolCalls,
                Usage = new UsageDetails { InputTokenCount = 20, OutputTokenCount = 4, TotalTokenCount = 24, CachedInputTokenCount = 16 },
                ModelId = "chat-model-2-0613",
                ResponseId = "r-1",
            }),
        };
        var roundTripped = chatClient.AsGenerator().AsChatClient();
        var options = FullChatOptions();

        var response = await roundTripped.GetResponseAsync(ChatConversation(), options);

        var seen = chatClient.LastOptions!;
        Assert.Equal(options.MaxOutputTokens, seen.MaxOutputTokens);
        Assert.Equal(options.Temperature, seen.Temperature);
        Assert.Equal(options.TopP, seen.TopP);
        Assert.Equal(options.TopK, seen.TopK);
        Assert.Equal(options.FrequencyPenalty, seen.FrequencyPenalty);
        Assert.Equal(options.PresencePenalty, seen.PresencePenalty);
        Assert.Equal(options.Seed, seen.Seed);
        Assert.Equal(options.StopSequences, seen.StopSequences);
        Assert.Equal(options.AllowMultipleToolCalls, seen.AllowMultipleToolCalls);
        Assert.Equal(options.ToolMode, seen.ToolMode);
        Assert.Equal(options.ModelId, seen.ModelId);
        Assert.Equal(options.AdditionalProperties, seen.AdditionalProperties);
        var format = Assert.IsType<ChatResponseFormatJson>(seen.ResponseFormat);
        Assert.Equal("answer", format.SchemaName);
        Assert.Equal(Schema.GetRawText(), format.Schema!.Value.GetRawText());
        var tool = Assert.IsAssignableFrom<AIFunctionDeclaration>(Assert.Single(seen.Tools!));
        Assert.Equal(("search", "Searches.", Schema.GetRawText()), (tool.Name, tool.Description, tool.JsonSchema.GetRawText()));

        Assert.Equal(4, chatClient.LastMessages.Count);
        Assert.Equal(["sys", "find x", "Searching.", ""], chatClient.LastMessages.Select(m => m.Text));
        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.Tool], chatClient.LastMessages.Select(m => m.Role));
        Assert.Equal("ann", chatClient.LastMessages[1].AuthorName);
        var call = Assert.Single(chatClient.LastMessages[2].Contents.OfType<FunctionCallContent>());
        Assert.Equal(("c1", "search"), (call.CallId, call.Name));
        Assert.Equal("x", ((JsonElement)call.Arguments!["q"]!).GetString());
        var result = Assert.Single(chatClient.LastMessages[3].Contents.OfType<FunctionResultContent>());
        Assert.Equal(("c1", "found"), (result.CallId, result.Result));

        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal(("chat-model-2-0613", "r-1"), (response.ModelId, response.ResponseId));
        Assert.Equal((20L, 4L, 24L, 16L), (response.Usage!.InputTokenCount, response.Usage.OutputTokenCount, response.Usage.TotalTokenCount, response.Usage.CachedInputTokenCount));
        Assert.Equal("Done.", response.Text);
        var responseCall = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("y", ((JsonElement)responseCall.Arguments!["q"]!).GetString());
    }

    [Fact]
    public async Task AsGenerator_MapsUsageAndToolCallsIntoTheContract()
    {
        var chatClient = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant,
                [new FunctionCallContent("c9", "search", new Dictionary<string, object?> { ["q"] = "z" })]))
            {
                FinishReason = ChatFinishReason.ToolCalls,
                Usage = new UsageDetails { InputTokenCount = 9, OutputTokenCount = 2, CachedInputTokenCount = 5 },
            }),
        };

        var result = await chatClient.AsGenerator().GenerateAsync("find z");

        Assert.Equal(FinishReason.ToolCalls, result.FinishReason);
        Assert.Equal(new Usage { PromptTokens = 9, CompletionTokens = 2, CachedPromptTokens = 5 }, result.Usage);
        Assert.Equal(new ToolCall("c9", "search", """{"q":"z"}"""), Assert.Single(result.Message.ToolCalls));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ThroughGeneratorAndBack_GivesEqualUpdates()
    {
        var chatClient = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, ct) => ChatStream(ct) };

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in chatClient.AsGenerator().AsChatClient().GetStreamingResponseAsync(ChatConversation(), FullChatOptions()))
        {
            updates.Add(update);
        }

        Assert.Equal(3, updates.Count);
        Assert.Equal("Hel", updates[0].Text);
        Assert.Equal("lo", updates[1].Text);
        Assert.Equal("s1", updates[0].ResponseId);
        var call = Assert.Single(updates[1].Contents.OfType<FunctionCallContent>());
        Assert.Equal(("c3", "search"), (call.CallId, call.Name));
        Assert.Equal(ChatFinishReason.Stop, updates[2].FinishReason);
        var usage = Assert.Single(updates[2].Contents.OfType<UsageContent>()).Details;
        Assert.Equal((3L, 2L, 1L), (usage.InputTokenCount, usage.OutputTokenCount, usage.CachedInputTokenCount));
        Assert.Equal(0.1f, chatClient.LastOptions!.AdditionalProperties![ChatInteropPropertyNames.MinP]);
    }

    [Fact]
    public async Task AsGenerator_StreamCancelled_ThrowsOperationCanceled()
    {
        var chatClient = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, ct) => EndlessChat(ct) };
        var generator = chatClient.AsGenerator();
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
    public async Task AsGenerator_GenerateCancelled_ThrowsOperationCanceled()
    {
        var chatClient = new TestChatClient
        {
            GetResponseAsyncCallback = async (_, _, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return new ChatResponse();
            },
        };
        using var cts = new CancellationTokenSource();
        var call = chatClient.AsGenerator().GenerateAsync("go", cancellationToken: cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public async Task AsGenerator_InvalidRequest_ThrowsBeforeCallingTheClient()
    {
        var chatClient = new TestChatClient();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            chatClient.AsGenerator().StreamAsync("x", new GenerationOptions { MaxTokens = 0 }));
        await Assert.ThrowsAsync<ArgumentException>(() => chatClient.AsGenerator().GenerateAsync(new GenerationRequest([])));

        Assert.Equal("MaxTokens", error.ParamName);
        Assert.Null(chatClient.LastOptions);
        Assert.Empty(chatClient.LastMessages);
    }

    [Fact]
    public void AsGenerator_GetService_AnswersMetadataFromTheClient()
    {
        var chatClient = new TestChatClient();
        var generator = chatClient.AsGenerator();

        var metadata = generator.GetMetadata();

        Assert.NotNull(metadata);
        Assert.Equal("test-provider", metadata.ProviderName);
        Assert.Equal("chat-model", metadata.ModelId);
        Assert.Equal(new Uri("http://localhost:1234"), metadata.Endpoint);
        Assert.True(metadata.Supports(GeneratorCapabilities.Streaming));
        Assert.Same(chatClient, generator.GetService<TestChatClient>());
    }

    [Fact]
    public void AsGenerator_Dispose_LeavesTheClientAlone()
    {
        var chatClient = new TestChatClient();

        chatClient.AsGenerator().Dispose();

        Assert.Equal(0, chatClient.DisposeCount);
    }

    [Fact]
    public async Task AsGenerator_UnknownFinishReason_IsNull()
    {
        var chatClient = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "x"))
            {
                FinishReason = new ChatFinishReason("something_new"),
            }),
        };

        var result = await chatClient.AsGenerator().GenerateAsync("x");

        Assert.Null(result.FinishReason);
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> ChatStream([EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        yield return new ChatResponseUpdate(ChatRole.Assistant, "Hel") { ResponseId = "s1", ModelId = "cm" };
        ct.ThrowIfCancellationRequested();
        yield return new ChatResponseUpdate(ChatRole.Assistant, [new TextContent("lo"), new FunctionCallContent("c3", "search", new Dictionary<string, object?> { ["q"] = "w" })]);
        yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails { InputTokenCount = 3, OutputTokenCount = 2, CachedInputTokenCount = 1 })])
        {
            FinishReason = ChatFinishReason.Stop,
        };
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> EndlessChat([EnumeratorCancellation] CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "t ");
        }
    }
}
