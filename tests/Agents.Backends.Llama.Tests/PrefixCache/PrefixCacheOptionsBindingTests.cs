using Agents.Backends.Llama.PrefixCache;
using Agents.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agents.Backends.Llama.Tests.PrefixCache;

/// <summary>The prefix cache configured through <see cref="LlamaModelOptions.PrefixCache"/>: bound, validated under its key, off by default.</summary>
public sealed class PrefixCacheOptionsBindingTests
{
    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("Agents:Llama");

    [Fact]
    public void AddLlamaGenerator_BadPrefixCacheValues_NameTheirKeys()
    {
        var services = new ServiceCollection();
        services.AddLlamaGenerator(Section(new()
        {
            ["Agents:Llama:ModelPath"] = TestModel.Path,
            ["Agents:Llama:PrefixCache:MaxBytes"] = "0",
            ["Agents:Llama:PrefixCache:MinimumPrefixTokens"] = "0",
        }));

        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IGenerator>());

        Assert.Contains("Agents:Llama:PrefixCache:MaxBytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Agents:Llama:PrefixCache:MinimumPrefixTokens", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLlamaGenerator_PrefixCacheSection_BindsAndExposesTheCache()
    {
        var services = new ServiceCollection();
        services.AddLlamaGenerator(Section(new()
        {
            ["Agents:Llama:ModelPath"] = TestModel.Path,
            ["Agents:Llama:ContextSize"] = "256",
            ["Agents:Llama:ChatTemplateFallback"] = "chatml",
            ["Agents:Llama:MaxConcurrentSequences"] = "2",
            ["Agents:Llama:PrefixCache:MaxBytes"] = "12345678",
        }));

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<LlamaModelOptions>>().Value;
        var generator = provider.GetRequiredService<IGenerator>();

        Assert.Equal(12_345_678, options.PrefixCache!.MaxBytes);
        Assert.NotNull(generator.GetService(typeof(IPrefixCache)));
    }

    [Fact]
    public void LlamaGenerator_WithoutPrefixCacheOptions_OffersNoCache()
    {
        var options = Infrastructure.GeneratorFixture.CreateOptions();
        options.Load.ContextSize = 256;
        using var generator = new LlamaGenerator(options);

        Assert.Null(options.PrefixCache);
        Assert.Null(generator.GetService(typeof(IPrefixCache)));
    }

    [Fact]
    public void LlamaModelOptions_Clone_CopiesThePrefixCacheOptions()
    {
        var options = new LlamaModelOptions { Load = { ModelPath = "m.gguf" }, PrefixCache = new PrefixCacheOptions { MaxBytes = 100 } };

        var copy = options.Clone();
        options.PrefixCache.MaxBytes = 200;

        Assert.Equal(100, copy.PrefixCache!.MaxBytes);
    }

    [Theory]
    [InlineData(null, false, true)]
    [InlineData(null, true, false)]
    [InlineData(true, true, true)]
    [InlineData(false, false, false)]
    public void UsesFlashAttention_Unset_IsOnUnlessThePrefixCacheIsOn(bool? configured, bool withCache, bool expected)
    {
        var options = new LlamaModelOptions { Load = { FlashAttention = configured }, PrefixCache = withCache ? new PrefixCacheOptions() : null };

        Assert.Equal(expected, options.UsesFlashAttention);
    }

    [Fact]
    public void FlashAttention_FromConfiguration_BindsAnExplicitChoice()
    {
        var options = new LlamaModelOptions();
        Agents.Configuration.OptionsBinder.Bind(Section(new() { ["Agents:Llama:FlashAttention"] = "false" }), options);

        Assert.False(options.Load.FlashAttention);
        Assert.False(options.UsesFlashAttention);
    }
}
