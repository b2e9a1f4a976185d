using Agents.Backends.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agents.Backends.OpenAI.Tests;

/// <summary>Keyed OpenAI-compatible generators from their own configuration sections, and typos reported at start-up.</summary>
public sealed class OpenAIKeyedRegistrationTests
{
    [Fact]
    public async Task AddKeyedOpenAIGenerator_TwoSections_ResolveIndependentGeneratorsWithTheirOwnEndpoints()
    {
        await using var fast = await RecordingServer.StartAsync();
        await using var smart = await RecordingServer.StartAsync();
        fast.Handler = ctx => RecordingServer.Json(ctx, 200, OpenAITestHost.Completion);
        smart.Handler = ctx => RecordingServer.Json(ctx, 200, OpenAITestHost.Completion);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Agents:Fast:Endpoint"] = fast.BaseAddress.ToString(),
                ["Agents:Fast:Model"] = "small-model",
                ["Agents:Fast:ApiKey"] = "sk-fast-12345678",
                ["Agents:Smart:Endpoint"] = smart.BaseAddress.ToString(),
                ["Agents:Smart:Model"] = "large-model",
                ["Agents:Smart:ApiKey"] = "sk-smart-87654321",
            })
            .Build();
        var services = new ServiceCollection();
        var fastCalls = 0;
        services.AddKeyedOpenAIGenerator("fast", configuration.GetSection("Agents:Fast"))
            .Use(inner => new CallCounter(inner, () => fastCalls++));
        services.AddKeyedOpenAIGenerator("smart", configuration.GetSection("Agents:Smart"));
        using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None);

        var fastGenerator = provider.GetRequiredKeyedService<IGenerator>("fast");
        var smartGenerator = provider.GetRequiredKeyedService<IGenerator>("smart");
        await fastGenerator.GenerateAsync("Hi");
        await smartGenerator.GenerateAsync("Hi");

        Assert.NotSame(fastGenerator, smartGenerator);
        Assert.Equal("small-model", Assert.Single(fast.Requests).Json.GetProperty("model").GetString());
        Assert.Equal("Bearer sk-fast-12345678", fast.LastRequest.Header("authorization"));
        Assert.Equal("large-model", Assert.Single(smart.Requests).Json.GetProperty("model").GetString());
        Assert.Equal("Bearer sk-smart-87654321", smart.LastRequest.Header("authorization"));
        Assert.Equal(1, fastCalls);
        Assert.Equal(fast.BaseAddress, fastGenerator.GetMetadata()?.Endpoint);
        Assert.Equal(smart.BaseAddress, smartGenerator.GetMetadata()?.Endpoint);
        Assert.Null(provider.GetService<IGenerator>());
    }

    [Fact]
    public async Task AddKeyedOpenAIGenerator_OneSectionInvalid_FailsAtStartNamingItsKey()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Agents:Fast:Model"] = "small-model",
                ["Agents:Smart:Endpoint"] = "http://127.0.0.1:1/v1/",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddKeyedOpenAIGenerator("fast", configuration.GetSection("Agents:Fast"));
        services.AddKeyedOpenAIGenerator("smart", configuration.GetSection("Agents:Smart"));
        using var provider = services.BuildServiceProvider();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(async () => await provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None));

        Assert.Contains("Agents:Smart:Model", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Agents:Fast", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddKeyedOpenAIGenerator_BlankKey_ThrowsArgumentException()
    {
        var section = new ConfigurationBuilder().Build().GetSection("Agents:OpenAI");

        Assert.ThrowsAny<ArgumentException>(() => new ServiceCollection().AddKeyedOpenAIGenerator(" ", section));
    }

    [Fact]
    public async Task AddOpenAIGenerator_MisspelledKey_FailsAtStartNamingTheKeyAndTheSetting()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Agents:OpenAI:Model"] = "gpt-test",
                ["Agents:OpenAI:Modle"] = "gpt-typo",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddOpenAIGenerator(configuration.GetSection("Agents:OpenAI"));
        using var provider = services.BuildServiceProvider();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(async () => await provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None));

        Assert.Contains("Agents:OpenAI:Modle", ex.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'Model'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddKeyedOpenAIGenerator_UnknownKeyInOneSection_ReportsOnlyThatSection()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Agents:Fast:Model"] = "small-model",
                ["Agents:Smart:Model"] = "large-model",
                ["Agents:Smart:Temperatur"] = "0.2",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddKeyedOpenAIGenerator("fast", configuration.GetSection("Agents:Fast"));
        services.AddKeyedOpenAIGenerator("smart", configuration.GetSection("Agents:Smart"));
        using var provider = services.BuildServiceProvider();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(async () => await provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None));

        Assert.Contains("Agents:Smart:Temperatur", ex.Message, StringComparison.Ordinal);
        Assert.Equal("small-model", provider.GetRequiredService<IOptionsMonitor<OpenAIGeneratorOptions>>().Get("fast").Model);
    }

    private sealed class CallCounter(IGenerator inner, Action onCall) : DelegatingGenerator(inner)
    {
        public override Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
        {
            onCall();
            return base.GenerateAsync(request, cancellationToken);
        }
    }
}
