using Agents.Backends.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agents.Backends.Anthropic.Tests;

/// <summary>Keyed Anthropic generators from their own configuration sections.</summary>
public sealed class AnthropicKeyedRegistrationTests
{
    [Fact]
    public async Task AddKeyedAnthropicGenerator_TwoSections_ResolveIndependentGenerators()
    {
        await using var first = await RecordingServer.StartAsync("/");
        await using var second = await RecordingServer.StartAsync("/");
        first.Handler = ctx => RecordingServer.Json(ctx, 200, AnthropicTestHost.Message);
        second.Handler = ctx => RecordingServer.Json(ctx, 200, AnthropicTestHost.Message);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Agents:Haiku:Endpoint"] = first.BaseAddress.ToString(),
                ["Agents:Haiku:Model"] = "claude-haiku-test",
                ["Agents:Haiku:ApiKey"] = "sk-ant-haiku-1234",
                ["Agents:Opus:Endpoint"] = second.BaseAddress.ToString(),
                ["Agents:Opus:Model"] = "claude-opus-test",
                ["Agents:Opus:ApiKey"] = "sk-ant-opus-5678",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddKeyedAnthropicGenerator("haiku", configuration.GetSection("Agents:Haiku"));
        services.AddKeyedAnthropicGenerator("opus", configuration.GetSection("Agents:Opus"));
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None);

        await provider.GetRequiredKeyedService<IGenerator>("haiku").GenerateAsync("Hi");
        await provider.GetRequiredKeyedService<IGenerator>("opus").GenerateAsync("Hi");

        Assert.Equal("claude-haiku-test", Assert.Single(first.Requests).Json.GetProperty("model").GetString());
        Assert.Equal("sk-ant-haiku-1234", first.LastRequest.Header("x-api-key"));
        Assert.Equal("claude-opus-test", Assert.Single(second.Requests).Json.GetProperty("model").GetString());
        Assert.Equal("sk-ant-opus-5678", second.LastRequest.Header("x-api-key"));
    }

    [Fact]
    public async Task AddKeyedAnthropicGenerator_MisspelledKey_FailsAtStartNamingIt()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Agents:Haiku:Model"] = "claude-haiku-test",
                ["Agents:Haiku:ApiKey"] = "sk-ant-haiku-1234",
                ["Agents:Haiku:ApiVersoin"] = "2023-06-01",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddKeyedAnthropicGenerator("haiku", configuration.GetSection("Agents:Haiku"));
        await using var provider = services.BuildServiceProvider();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
            await provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None));

        Assert.Contains("Agents:Haiku:ApiVersoin", ex.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'ApiVersion'", ex.Message, StringComparison.Ordinal);
    }
}
