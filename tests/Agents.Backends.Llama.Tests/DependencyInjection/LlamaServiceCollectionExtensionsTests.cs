using Agents.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agents.Backends.Llama.Tests.DependencyInjection;

public sealed class LlamaServiceCollectionExtensionsTests
{
    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("Agents:Llama");

    private static OptionsValidationException ResolveFails(IServiceCollection services)
    {
        using var provider = services.BuildServiceProvider();
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IGenerator>());
    }

    [Fact]
    public async Task AddLlamaGenerator_FromConfiguration_ResolvesAWorkingGenerator()
    {
        var services = new ServiceCollection();
        services.AddLlamaGenerator(Section(new()
        {
            ["Agents:Llama:ModelPath"] = TestModel.Path,
            ["Agents:Llama:ContextSize"] = "256",
            ["Agents:Llama:ChatTemplateFallback"] = "chatml",
            ["Agents:Llama:MaxConcurrentSequences"] = "2",
        }));
        await using var provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IGenerator>();
        var result = await generator.GenerateAsync("Hi", new GenerationOptions { MaxTokens = 3 });

        Assert.Equal("llama.cpp", generator.GetMetadata()!.ProviderName);
        Assert.Equal(256, generator.GetMetadata()!.ContextWindow);
        Assert.NotNull(result.FinishReason);
    }

    [Fact]
    public void AddLlamaGenerator_BadValues_NameEveryKey()
    {
        var services = new ServiceCollection();
        services.AddLlamaGenerator(Section(new()
        {
            ["Agents:Llama:ContextSize"] = "5",
        }));

        var ex = ResolveFails(services);

        Assert.Contains("Agents:Llama:ModelPath", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Agents:Llama:ContextSize", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLlamaGenerator_UnknownChatTemplate_NamesTheKeyAtStartUp()
    {
        var services = new ServiceCollection();
        services.AddLlamaGenerator(Section(new()
        {
            ["Agents:Llama:ModelPath"] = TestModel.Path,
            ["Agents:Llama:ChatTemplateFallback"] = "klingon",
        }));

        var ex = ResolveFails(services);

        Assert.Contains("Agents:Llama:ChatTemplateFallback", ex.Message, StringComparison.Ordinal);
        Assert.Contains("chatml", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLlamaGenerator_BadLoraEntry_NamesItsKey()
    {
        var services = new ServiceCollection();
        services.AddLlamaGenerator(Section(new()
        {
            ["Agents:Llama:ModelPath"] = TestModel.Path,
            ["Agents:Llama:LoraAdapters:0:Scale"] = "0.5",
        }));

        var ex = ResolveFails(services);

        Assert.Contains("Agents:Llama:LoraAdapters:0:Path", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLlamaGenerator_InCode_ValidatesToo()
    {
        var services = new ServiceCollection();
        services.AddLlamaGenerator(o => o.Scheduling.MaxConcurrentSequences = 0);

        var ex = ResolveFails(services);

        Assert.Contains("ModelPath", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxConcurrentSequences", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLlamaGenerator_NullArguments_Throw()
    {
        var services = new ServiceCollection();
        Assert.Throws<ArgumentNullException>(() => services.AddLlamaGenerator((IConfiguration)null!));
        Assert.Throws<ArgumentNullException>(() => services.AddLlamaGenerator((Action<LlamaModelOptions>)null!));
    }
}
