using Agents.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Agents.Tests.DependencyInjection;

public class OptionsBindingTests
{
    [Fact]
    public async Task AddValidatedOptions_ValidJsonSection_BindsAndAppliesDefaults()
    {
        using var host = BuildHost("""{ "Agents": { "Defaults": { "MaxTokens": 64, "Temperature": 0.2, "StopSequences": ["END"] } } }""",
            out var backend);

        await host.StartAsync();
        await host.Services.GetRequiredService<IGenerator>().GenerateAsync("hi");
        await host.StopAsync();

        var options = backend.Requests.Single().Options!;
        Assert.Equal(64, options.MaxTokens);
        Assert.Equal(0.2f, options.Temperature);
        Assert.Equal(["END"], options.StopSequences!);
    }

    [Theory]
    [InlineData("""{ "Agents": { "Defaults": { "MaxTokens": 0 } } }""", "Agents:Defaults:MaxTokens")]
    [InlineData("""{ "Agents": { "Defaults": { "TopP": 1.5 } } }""", "Agents:Defaults:TopP")]
    [InlineData("""{ "Agents": { "Defaults": { "MinP": -1 } } }""", "Agents:Defaults:MinP")]
    public async Task AddValidatedOptions_BadValue_FailsAtStartNamingTheKey(string json, string key)
    {
        using var host = BuildHost(json, out _);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddValidatedOptions_UnparsableValue_FailsAtStart()
    {
        using var host = BuildHost("""{ "Agents": { "Defaults": { "MaxTokens": "lots" } } }""", out _);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("MaxTokens", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseDefaults_RequestValuesWin_AndCallerOptionsAreNotMutated()
    {
        var backend = new TestGenerator();
        var generator = new GeneratorBuilder(backend).UseDefaults(new GenerationDefaults { MaxTokens = 10, Temperature = 0.9f }).Build();
        var callerOptions = new GenerationOptions { Temperature = 0.1f };

        await generator.GenerateAsync("hi", callerOptions);

        var sent = backend.Requests.Single().Options!;
        Assert.Equal(10, sent.MaxTokens);
        Assert.Equal(0.1f, sent.Temperature);
        Assert.Null(callerOptions.MaxTokens);
        Assert.NotSame(callerOptions, sent);
    }

    private static IHost BuildHost(string json, out TestGenerator backend)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));
        builder.Services.AddValidatedOptions<GenerationDefaults>(builder.Configuration.GetSection("Agents:Defaults"));
        var test = new TestGenerator();
        builder.Services.AddGenerator(test).UseDefaults();
        backend = test;
        return builder.Build();
    }
}
