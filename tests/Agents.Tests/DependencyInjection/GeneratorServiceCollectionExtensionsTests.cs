using Agents.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Agents.Tests.DependencyInjection;

public class GeneratorServiceCollectionExtensionsTests
{
    [Fact]
    public void AddGenerator_DefaultLifetime_IsSingleton()
    {
        var services = new ServiceCollection();
        services.AddGenerator(new TestGenerator());
        using var provider = services.BuildServiceProvider();

        Assert.Same(provider.GetRequiredService<IGenerator>(), provider.GetRequiredService<IGenerator>());
    }

    [Fact]
    public void AddGenerator_ScopedLifetime_OnePipelinePerScope()
    {
        var services = new ServiceCollection();
        var built = 0;
        services.AddGenerator(_ => new TestGenerator(), ServiceLifetime.Scoped).Use(inner =>
        {
            built++;
            return inner;
        });
        using var provider = services.BuildServiceProvider();

        using var scope1 = provider.CreateScope();
        using var scope2 = provider.CreateScope();
        var a = scope1.ServiceProvider.GetRequiredService<IGenerator>();
        var b = scope1.ServiceProvider.GetRequiredService<IGenerator>();
        var c = scope2.ServiceProvider.GetRequiredService<IGenerator>();

        Assert.Same(a, b);
        Assert.NotSame(a, c);
        Assert.Equal(2, built);
    }

    [Fact]
    public void AddGenerator_TransientLifetime_NewPipelineEachTime()
    {
        var services = new ServiceCollection();
        services.AddGenerator(_ => new TestGenerator(), ServiceLifetime.Transient);
        using var provider = services.BuildServiceProvider();

        Assert.NotSame(provider.GetRequiredService<IGenerator>(), provider.GetRequiredService<IGenerator>());
    }

    [Fact]
    public async Task AddKeyedGenerator_TwoKeys_ResolveTheirOwnBackends()
    {
        var services = new ServiceCollection();
        var local = new TestGenerator { Metadata = new GeneratorMetadata("llama.cpp", "tiny") };
        var hosted = new TestGenerator { Metadata = new GeneratorMetadata("openai", "gpt") };
        services.AddKeyedGenerator("local", local);
        services.AddKeyedGenerator("hosted", hosted);
        using var provider = services.BuildServiceProvider();

        var resolvedLocal = provider.GetRequiredKeyedService<IGenerator>("local");
        var resolvedHosted = provider.GetRequiredKeyedService<IGenerator>("hosted");
        await resolvedLocal.GenerateAsync("to local");

        Assert.Equal("llama.cpp", resolvedLocal.GetMetadata()?.ProviderName);
        Assert.Equal("openai", resolvedHosted.GetMetadata()?.ProviderName);
        Assert.Single(local.Requests);
        Assert.Empty(hosted.Requests);
        Assert.Null(provider.GetService<IGenerator>());
    }

    [Fact]
    public async Task AddGenerator_MiddlewareResolvesServicesFromTheContainer()
    {
        var services = new ServiceCollection();
        services.AddSingleton(new GenerationDefaults { MaxTokens = 17 });
        var backend = new TestGenerator();
        services.AddGenerator(backend).Use((inner, sp) => new DefaultsGenerator(inner, sp.GetRequiredService<GenerationDefaults>()));
        using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IGenerator>().GenerateAsync("hi");

        Assert.Equal(17, backend.Requests.Single().Options?.MaxTokens);
    }

    [Fact]
    public void AddGenerator_DisposingTheContainer_DisposesTheSingletonPipeline()
    {
        var services = new ServiceCollection();
        var backend = new TestGenerator();
        services.AddGenerator(_ => backend);
        var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IGenerator>();

        provider.Dispose();

        Assert.Equal(1, backend.DisposeCount);
    }
}
