using System.Collections.Concurrent;
using System.Diagnostics;
using Agents.Backends.OpenAI;
using Agents.Backends.Testing;
using Microsoft.Extensions.AI;

namespace Agents.Tests.Interop;

/// <summary>Embedding spans come from M.E.AI's <c>EmbeddingGeneratorBuilder.UseOpenTelemetry</c> over our embedders.</summary>
public class EmbeddingTelemetryTests
{
    [Fact]
    public async Task UseOpenTelemetry_OpenAIEmbedder_EmitsEmbeddingsSpanWithModelUsageAndServer()
    {
        await using var server = await RecordingServer.StartAsync();
        server.Handler = ctx => RecordingServer.Json(ctx, 200, """
            {"object":"list","model":"embed-v1","data":[{"object":"embedding","index":0,"embedding":[0.5,0.25]}],
             "usage":{"prompt_tokens":7,"total_tokens":7}}
            """);
        using var http = new HttpClient();
        using var embedder = new OpenAIEmbeddingGenerator(http, new OpenAIGeneratorOptions
        {
            Endpoint = server.BaseAddress,
            Model = "chat-model",
            EmbeddingModel = "embed-otel-test",
            ApiKey = "sk-test",
        });
        var sourceName = "Agents.Tests.Embeddings." + Guid.NewGuid().ToString("N");
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        using var traced = new EmbeddingGeneratorBuilder<string, Embedding<float>>(embedder).UseOpenTelemetry(sourceName: sourceName).Build();
        var embeddings = await traced.GenerateAsync(["hello"]);

        Assert.Equal([0.5f, 0.25f], embeddings[0].Vector.ToArray());
        var span = Assert.Single(spans);
        Assert.Equal("embeddings embed-otel-test", span.DisplayName);
        Assert.Equal("embeddings", span.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("embed-otel-test", span.GetTagItem("gen_ai.request.model"));
        Assert.Equal("openai", span.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(7, Convert.ToInt32(span.GetTagItem("gen_ai.usage.input_tokens"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(server.BaseAddress.Host, span.GetTagItem("server.address"));
    }
}
