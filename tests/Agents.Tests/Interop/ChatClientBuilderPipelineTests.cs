using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Agents.Backends.OpenAI;
using Agents.Backends.Testing;
using Agents.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Agents.Tests.Interop;

/// <summary>
/// An Agents generator inside Microsoft.Extensions.AI's own <see cref="ChatClientBuilder"/> pipeline: function invocation
/// against the OpenAI-compatible backend on a loopback server, the distributed cache, and OpenTelemetry.
/// </summary>
public class ChatClientBuilderPipelineTests
{
    private const string ToolCallCompletion = """
        {"id":"chatcmpl-1","object":"chat.completion","model":"gpt-test-2025",
         "choices":[{"index":0,"message":{"role":"assistant","content":null,
           "tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_answer","arguments":"{\"question\":\"life\"}"}}]},
           "finish_reason":"tool_calls"}],
         "usage":{"prompt_tokens":20,"completion_tokens":5,"total_tokens":25}}
        """;

    private const string AnswerCompletion = """
        {"id":"chatcmpl-2","object":"chat.completion","model":"gpt-test-2025",
         "choices":[{"index":0,"message":{"role":"assistant","content":"The answer is 42."},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":30,"completion_tokens":6,"total_tokens":36,"prompt_tokens_details":{"cached_tokens":16}}}
        """;

    [Fact]
    public async Task UseFunctionInvocation_OpenAIBackend_InvokesFunctionAndSendsPlainStringResultBack()
    {
        await using var server = await RecordingServer.StartAsync();
        server.Handler = ctx => RecordingServer.Json(ctx, 200, server.Requests.Count == 1 ? ToolCallCompletion : AnswerCompletion);
        using var http = new HttpClient();
        using var generator = new OpenAIGenerator(http, new OpenAIGeneratorOptions { Endpoint = server.BaseAddress, Model = "gpt-test", ApiKey = "sk-test" });
        var questions = new ConcurrentQueue<string>();
        var function = AIFunctionFactory.Create(
            (string question) =>
            {
                questions.Enqueue(question);
                return "42";
            },
            "get_answer",
            "Answers a question.");

        using var client = new ChatClientBuilder(generator.AsChatClient()).UseFunctionInvocation().Build();
        var response = await client.GetResponseAsync("What is the answer?", new ChatOptions { Tools = [function] });

        Assert.Equal("The answer is 42.", response.Text);
        Assert.Equal(["life"], questions);
        var requests = server.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Equal("get_answer", requests[0].Json.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());
        var sent = requests[1].Json.GetProperty("messages");
        var toolCall = sent[1].GetProperty("tool_calls")[0];
        Assert.Equal("call_1", toolCall.GetProperty("id").GetString());
        Assert.Equal("""{"question":"life"}""", toolCall.GetProperty("function").GetProperty("arguments").GetString());
        var toolMessage = sent[2];
        Assert.Equal("tool", toolMessage.GetProperty("role").GetString());
        Assert.Equal("call_1", toolMessage.GetProperty("tool_call_id").GetString());
        Assert.Equal("42", toolMessage.GetProperty("content").GetString());

        // The final answer still knows it came from our backend, usage included.
        var raw = Assert.IsType<GenerationResult>(response.RawRepresentation);
        Assert.Equal("chatcmpl-2", raw.ResponseId);
        Assert.Equal(16, response.Usage?.CachedInputTokenCount);
    }

    [Fact]
    public async Task UseFunctionInvocation_ObjectResult_IsSentAsCompactJson()
    {
        var generator = new TestGenerator();
        generator.GenerateAsyncCallback = (request, _) => Task.FromResult(request.Messages.Any(m => m.Role == MessageRole.Tool)
            ? new GenerationResult("done")
            : new GenerationResult(Message.Assistant(string.Empty) with { ToolCalls = [new ToolCall("c1", "weather", "{}")] })
            {
                FinishReason = FinishReason.ToolCalls,
            });
        var function = AIFunctionFactory.Create(() => new { temp = 21 }, "weather");

        using var client = new ChatClientBuilder(generator.AsChatClient()).UseFunctionInvocation().Build();
        await client.GetResponseAsync("Weather?", new ChatOptions { Tools = [function] });

        var toolMessage = Assert.Single(generator.Requests[1].Messages, m => m.Role == MessageRole.Tool);
        Assert.Equal("""{"temp":21}""", toolMessage.Text);
        Assert.Equal("c1", toolMessage.ToolCallId);
    }

    [Fact]
    public async Task UseDistributedCache_SecondCall_ServedFromCacheWithUsageTimingsAndLogProbabilities()
    {
        var expected = GeneratorChatClientRoundTripTests.FullResult();
        var generator = new TestGenerator { GenerateAsyncCallback = (_, _) => Task.FromResult(expected) };
        using var client = new ChatClientBuilder(generator.AsChatClient())
            .UseDistributedCache(new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())))
            .Build();
        using var cached = client.AsGenerator();

        var first = await cached.GenerateAsync("Weather in Lyon?");
        var second = await cached.GenerateAsync("Weather in Lyon?");

        Assert.Single(generator.Requests);
        Assert.NotSame(first, second);
        Assert.Equal(expected.Text, second.Text);
        Assert.Equal(expected.Usage, second.Usage);
        Assert.Equal(expected.Timings, second.Timings);
        Assert.Equal(expected.LogProbabilities, second.LogProbabilities);
        Assert.Equal(expected.Beams, second.Beams);
        Assert.Equal(FinishReason.StopSequence, second.FinishReason);
        Assert.Equal(expected.Message.ToolCalls, second.Message.ToolCalls);
    }

    [Fact]
    public async Task UseOpenTelemetry_OpenAIBackend_EmitsChatSpanWithUsageAndServer()
    {
        await using var server = await RecordingServer.StartAsync();
        server.Handler = ctx => RecordingServer.Json(ctx, 200, AnswerCompletion);
        using var http = new HttpClient();
        using var generator = new OpenAIGenerator(http, new OpenAIGeneratorOptions { Endpoint = server.BaseAddress, Model = "gpt-otel-test", ApiKey = "sk-test" });
        var sourceName = "Agents.Tests.Interop." + Guid.NewGuid().ToString("N");
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        using var client = new ChatClientBuilder(generator.AsChatClient()).UseOpenTelemetry(sourceName: sourceName).Build();
        await client.GetResponseAsync("What is the answer?");

        var span = Assert.Single(spans);
        Assert.Equal("chat gpt-otel-test", span.DisplayName);
        Assert.Equal("gpt-otel-test", span.GetTagItem("gen_ai.request.model"));
        Assert.Equal("gpt-test-2025", span.GetTagItem("gen_ai.response.model"));
        Assert.Equal("chatcmpl-2", span.GetTagItem("gen_ai.response.id"));
        Assert.Equal(30, Convert.ToInt32(span.GetTagItem("gen_ai.usage.input_tokens"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(6, Convert.ToInt32(span.GetTagItem("gen_ai.usage.output_tokens"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(server.BaseAddress.Host, span.GetTagItem("server.address"));
    }
}
