using Agents.Backends.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agents.Backends.Anthropic.Tests;

public sealed class AnthropicServiceCollectionTests
{
    [Fact]
    public void AddAnthropicGenerator_MissingModel_FailsNamingTheKey()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Agents:Anthropic:ApiKey"] = "sk-ant-x-12345678" })
            .Build();
        var services = new ServiceCollection();
        services.AddAnthropicGenerator(configuration.GetSection("Agents:Anthropic"));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AnthropicGeneratorOptions>>().Value);

        Assert.Contains("Agents:Anthropic:Model", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoKeyAnywhere_ReportsApiKey()
    {
        var options = new AnthropicGeneratorOptions { Model = "m" };

        var failures = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        // With ANTHROPIC_API_KEY set in the environment the key resolves and nothing is reported.
        if (options.ResolveApiKey() is null)
        {
            Assert.Contains(failures, f => f.MemberNames.Contains("ApiKey") && f.ErrorMessage!.Contains("ANTHROPIC_API_KEY", StringComparison.Ordinal));
        }
        else
        {
            Assert.Empty(failures);
        }
    }

    [Fact]
    public async Task AddAnthropicGenerator_FromConfiguration_ResolvesWorkingGenerator()
    {
        await using var server = await RecordingServer.StartAsync("/");
        server.Handler = ctx => RecordingServer.Json(ctx, 200, AnthropicTestHost.Message);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Agents:Anthropic:Endpoint"] = server.BaseAddress.ToString(),
                ["Agents:Anthropic:Model"] = "claude-config",
                ["Agents:Anthropic:ApiKey"] = "sk-ant-x-12345678",
                ["Agents:Anthropic:ApiVersion"] = "2099-01-01",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddAnthropicGenerator(configuration.GetSection("Agents:Anthropic"));
        using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<IGenerator>().GenerateAsync("Hi");

        Assert.Equal("Hello there.", result.Text);
        Assert.Equal("2099-01-01", server.LastRequest.Header("anthropic-version"));
        Assert.Equal("claude-config", server.LastRequest.Json.GetProperty("model").GetString());
    }
}
