using Agents.Backends.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agents.Backends.OpenAI.Tests;

public sealed class OpenAIServiceCollectionTests
{
    [Fact]
    public void AddOpenAIGenerator_MissingModel_FailsNamingTheKey()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Agents:OpenAI:Endpoint"] = "http://127.0.0.1:1/v1/" })
            .Build();
        var services = new ServiceCollection();
        services.AddOpenAIGenerator(configuration.GetSection("Agents:OpenAI"));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OpenAIGeneratorOptions>>().Value);

        Assert.Contains("Agents:OpenAI:Model", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddOpenAIGenerator_FromConfiguration_ResolvesWorkingPipelineWithFactoryClient()
    {
        await using var server = await RecordingServer.StartAsync();
        server.Handler = ctx => RecordingServer.Json(ctx, 200, OpenAITestHost.Completion);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Agents:OpenAI:Endpoint"] = server.BaseAddress.ToString(),
                ["Agents:OpenAI:Model"] = "local-model",
                ["Agents:OpenAI:ApiKey"] = "sk-local-12345678",
                ["Agents:OpenAI:Timeout"] = "00:00:30",
            })
            .Build();
        var services = new ServiceCollection();
        var builder = services.AddOpenAIGenerator(configuration.GetSection("Agents:OpenAI"));
        var middlewareCalls = 0;
        builder.Use(inner => new CountingGenerator(inner, () => middlewareCalls++));
        using var provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IGenerator>();
        var result = await generator.GenerateAsync("Hi");

        Assert.Equal("Hello there.", result.Text);
        Assert.Equal(1, middlewareCalls);
        Assert.Equal("local-model", server.LastRequest.Json.GetProperty("model").GetString());
        Assert.Equal("openai", generator.GetMetadata()?.ProviderName);
        Assert.NotNull(provider.GetRequiredService<IHttpClientFactory>().CreateClient(OpenAIServiceCollectionExtensions.HttpClientName));
    }

    [Fact]
    public async Task AddOpenAIGenerator_ConfiguredInCode_Works()
    {
        await using var server = await RecordingServer.StartAsync();
        server.Handler = ctx => RecordingServer.Json(ctx, 200, OpenAITestHost.Completion);
        var services = new ServiceCollection();
        services.AddOpenAIGenerator(o =>
        {
            o.Endpoint = server.BaseAddress;
            o.Model = "code-model";
        });
        using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<IGenerator>().GenerateAsync("Hi");

        Assert.Equal("Hello there.", result.Text);
    }

    [Fact]
    public async Task AddOpenAIEmbeddingGenerator_FromConfiguration_SendsEmbeddingModelAndReturnsVectorsInInputOrder()
    {
        await using var server = await RecordingServer.StartAsync();
        server.Handler = ctx => RecordingServer.Json(ctx, 200, """
            {"object":"list","model":"embed-v1","data":[
              {"object":"embedding","index":1,"embedding":[0.5,0.25]},
              {"object":"embedding","index":0,"embedding":[1.0,-1.0]}],
             "usage":{"prompt_tokens":6,"total_tokens":6}}
            """);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Agents:OpenAI:Endpoint"] = server.BaseAddress.ToString(),
                ["Agents:OpenAI:Model"] = "chat-model",
                ["Agents:OpenAI:EmbeddingModel"] = "embed-v1",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddOpenAIEmbeddingGenerator(configuration.GetSection("Agents:OpenAI"));
        using var provider = services.BuildServiceProvider();
        var embedder = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        var embeddings = await embedder.GenerateAsync(["first", "second"], new EmbeddingGenerationOptions { Dimensions = 2 });

        Assert.Equal("/v1/embeddings", server.LastRequest.Path);
        Assert.Equal("""{"model":"embed-v1","input":["first","second"],"encoding_format":"float","dimensions":2}""", server.LastRequest.Body);
        Assert.Equal([1.0f, -1.0f], embeddings[0].Vector.ToArray());
        Assert.Equal([0.5f, 0.25f], embeddings[1].Vector.ToArray());
        Assert.Equal(6, embeddings.Usage?.InputTokenCount);
        Assert.Equal("embed-v1", embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId);
    }

    [Fact]
    public async Task OpenAIEmbeddingGenerator_MissingVector_ThrowsProviderException()
    {
        await using var server = await RecordingServer.StartAsync();
        server.Handler = ctx => RecordingServer.Json(ctx, 200, """{"data":[{"index":0,"embedding":[1.0]}]}""");
        using var client = new HttpClient();
        using var embedder = new OpenAIEmbeddingGenerator(client, new OpenAIGeneratorOptions { Endpoint = server.BaseAddress, Model = "e" });

        var ex = await Assert.ThrowsAsync<ProviderException>(() => embedder.GenerateAsync(["a", "b"]));

        Assert.Contains("input 1 of 2", ex.Message, StringComparison.Ordinal);
    }

    private sealed class CountingGenerator(IGenerator inner, Action onCall) : DelegatingGenerator(inner)
    {
        public override Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
        {
            onCall();
            return base.GenerateAsync(request, cancellationToken);
        }
    }
}
