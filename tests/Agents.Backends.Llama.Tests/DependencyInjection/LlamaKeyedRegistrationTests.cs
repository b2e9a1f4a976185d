using Agents.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agents.Backends.Llama.Tests.DependencyInjection;

/// <summary>Keyed local generators, each from its own configuration section.</summary>
public sealed class LlamaKeyedRegistrationTests
{
    [Fact]
    public async Task AddKeyedLlamaGenerator_TwoSections_ResolveIndependentGenerators()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Agents:Llama:Small:ModelPath"] = TestModel.Path,
                ["Agents:Llama:Small:ContextSize"] = "256",
                ["Agents:Llama:Small:ChatTemplateFallback"] = "chatml",
                ["Agents:Llama:Large:ModelPath"] = TestModel.Path,
                ["Agents:Llama:Large:ContextSize"] = "512",
                ["Agents:Llama:Large:ChatTemplateFallback"] = "chatml",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddKeyedLlamaGenerator("small", configuration.GetSection("Agents:Llama:Small"));
        services.AddKeyedLlamaGenerator("large", configuration.GetSection("Agents:Llama:Large"));
        await using var provider = services.BuildServiceProvider();

        var small = provider.GetRequiredKeyedService<IGenerator>("small");
        var large = provider.GetRequiredKeyedService<IGenerator>("large");
        var result = await small.GenerateAsync("Hi", new GenerationOptions { MaxTokens = 2 });

        Assert.Equal(256, small.GetMetadata()!.ContextWindow);
        Assert.Equal(512, large.GetMetadata()!.ContextWindow);
        Assert.NotNull(result.FinishReason);
    }

    [Fact]
    public void AddKeyedLlamaGenerator_MissingModelPath_FailsNamingTheKeyedSection()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Agents:Llama:Small:ContextSize"] = "256" })
            .Build();
        var services = new ServiceCollection();
        services.AddKeyedLlamaGenerator("small", configuration.GetSection("Agents:Llama:Small"));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredKeyedService<IGenerator>("small"));

        Assert.Contains("Agents:Llama:Small:ModelPath", ex.Message, StringComparison.Ordinal);
    }
}
