using Agents.Backends.Llama.PrefixCache;
using Agents.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agents.Backends.Llama.Tests.Loading;

/// <summary>
/// <see cref="LlamaModelOptions"/> in sections (<see cref="LlamaModelOptions.Load"/>, <see cref="LlamaModelOptions.Scheduling"/>,
/// <see cref="LlamaModelOptions.PrefixCache"/>) still bound from the flat keys it always had, checked by the start-up
/// unknown-key check and validated through <see cref="OptionsValidator"/>, every bad key at once.
/// </summary>
public sealed class LlamaModelOptionsBindingTests
{
    // Every key the options had before the split, each with a value other than its default.
    private static readonly Dictionary<string, string?> s_everyKey = new()
    {
        ["Agents:Llama:ModelPath"] = "models/m.gguf",
        ["Agents:Llama:ModelId"] = "my-model",
        ["Agents:Llama:ContextSize"] = "1024",
        ["Agents:Llama:Threads"] = "3",
        ["Agents:Llama:BatchSize"] = "256",
        ["Agents:Llama:UBatchSize"] = "128",
        ["Agents:Llama:GpuLayerCount"] = "7",
        ["Agents:Llama:FlashAttention"] = "true",
        ["Agents:Llama:UseMemoryMap"] = "false",
        ["Agents:Llama:ChatTemplateFallback"] = "llama3",
        ["Agents:Llama:OverrideModelChatTemplate"] = "true",
        ["Agents:Llama:MaxConcurrentSequences"] = "4",
        ["Agents:Llama:MaxQueueLength"] = "17",
        ["Agents:Llama:MaxBeamWidth"] = "2",
        ["Agents:Llama:KvCacheTokens"] = "4096",
        ["Agents:Llama:ContextOverflowPolicy"] = "DropOldestTurns",
        ["Agents:Llama:MaxNoKvSlotRetries"] = "9",
        ["Agents:Llama:StreamFlushInterval"] = "00:00:00.050",
        ["Agents:Llama:LoraAdapters:0:Path"] = "models/style.lora.gguf",
        ["Agents:Llama:LoraAdapters:0:Scale"] = "0.5",
        ["Agents:Llama:PrefixCache:MaxBytes"] = "1000000",
        ["Agents:Llama:PrefixCache:MinimumPrefixTokens"] = "32",
        ["Agents:Llama:PrefixCache:DiskDirectory"] = "cache",
        ["Agents:Llama:PrefixCache:MaxDiskBytes"] = "2000000",
        ["Agents:Llama:PrefixCache:IsolateRequestsWithoutTenant"] = "true",
        ["Agents:Llama:EnableSensitiveDataLogging"] = "true",
        ["Agents:Llama:StructuredOutput:DefaultMaxItems"] = "5",
    };

    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("Agents:Llama");

    private static Dictionary<string, string?> EveryKeyWith(params (string Key, string? Value)[] changes)
    {
        var values = new Dictionary<string, string?>(s_everyKey);
        foreach (var (key, value) in changes)
        {
            values[key] = value;
        }

        return values;
    }

    // Resolves the options as AddLlamaGenerator registers them (binding, unknown-key check, validation), without loading a model.
    private static LlamaModelOptions Resolve(Dictionary<string, string?> values)
    {
        var services = new ServiceCollection();
        services.AddLlamaGenerator(Section(values));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<LlamaModelOptions>>().Value;
    }

    private static OptionsValidationException ResolveFails(Dictionary<string, string?> values) =>
        Assert.Throws<OptionsValidationException>(() => Resolve(values));

    private static void AssertEveryKeyBound(LlamaModelOptions options)
    {
        var load = options.Load;
        Assert.Equal("models/m.gguf", load.ModelPath);
        Assert.Equal("my-model", load.ModelId);
        Assert.Equal(1024, load.ContextSize);
        Assert.Equal(3, load.Threads);
        Assert.Equal(256, load.BatchSize);
        Assert.Equal(128, load.UBatchSize);
        Assert.Equal(7, load.GpuLayerCount);
        Assert.True(load.FlashAttention);
        Assert.False(load.UseMemoryMap);
        Assert.Equal("llama3", load.ChatTemplateFallback);
        Assert.True(load.OverrideModelChatTemplate);
        var adapter = Assert.Single(load.LoraAdapters);
        Assert.Equal("models/style.lora.gguf", adapter.Path);
        Assert.Equal(0.5f, adapter.Scale);

        var scheduling = options.Scheduling;
        Assert.Equal(4, scheduling.MaxConcurrentSequences);
        Assert.Equal(17, scheduling.MaxQueueLength);
        Assert.Equal(2, scheduling.MaxBeamWidth);
        Assert.Equal(4096, scheduling.KvCacheTokens);
        Assert.Equal(ContextOverflowPolicy.DropOldestTurns, scheduling.ContextOverflowPolicy);
        Assert.Equal(9, scheduling.MaxNoKvSlotRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(50), scheduling.StreamFlushInterval);

        var cache = options.PrefixCache!;
        Assert.Equal(1_000_000, cache.MaxBytes);
        Assert.Equal(32, cache.MinimumPrefixTokens);
        Assert.Equal("cache", cache.DiskDirectory);
        Assert.Equal(2_000_000, cache.MaxDiskBytes);
        Assert.True(cache.IsolateRequestsWithoutTenant);

        Assert.True(options.EnableSensitiveDataLogging);
        Assert.Equal(5, options.StructuredOutput.DefaultMaxItems);
    }

    [Fact]
    public void AddLlamaGenerator_EveryKeyOfBeforeTheSplit_BindsIntoItsSectionAndPassesTheUnknownKeyCheck()
    {
        var options = Resolve(s_everyKey);

        AssertEveryKeyBound(options);
    }

    [Fact]
    public void OptionsBinder_Bind_FillsTheFlattenedSectionsFromTheFlatKeys()
    {
        var options = new LlamaModelOptions();

        OptionsBinder.Bind(Section(s_everyKey), options);

        AssertEveryKeyBound(options);
    }

    [Fact]
    public void UnknownConfigurationKeys_EveryKeyOfBeforeTheSplit_AreAllKnown()
    {
        Assert.Empty(UnknownConfigurationKeys.Find(Section(s_everyKey), typeof(LlamaModelOptions)));
    }

    [Theory]
    [InlineData("Agents:Llama:MaxConcurrentSequnces", "MaxConcurrentSequences")]
    [InlineData("Agents:Llama:ModelPth", "ModelPath")]
    [InlineData("Agents:Llama:PrefixCache:MaxByte", "MaxBytes")]
    public void AddLlamaGenerator_TypoInAKey_IsReportedWithTheClosestSetting(string key, string suggestion)
    {
        var ex = ResolveFails(EveryKeyWith((key, "1")));

        Assert.Contains($"{key}: unknown setting", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"did you mean '{suggestion}'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Agents:Llama:Load:ModelPath", "Load")]
    [InlineData("Agents:Llama:Scheduling:MaxConcurrentSequences", "Scheduling")]
    public void AddLlamaGenerator_SectionNameInTheKey_IsUnknownBecauseTheKeysStayFlat(string key, string section)
    {
        var ex = ResolveFails(EveryKeyWith((key, "2")));

        var error = Assert.Single(ex.Failures);
        Assert.StartsWith($"Agents:Llama:{section}: unknown setting; LlamaModelOptions has no property '{section}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLlamaGenerator_BadKeysInEverySection_OneExceptionNamingEachFullKey()
    {
        var ex = ResolveFails(EveryKeyWith(
            ("Agents:Llama:ContextSize", "5"),
            ("Agents:Llama:UBatchSize", "512"),
            ("Agents:Llama:MaxQueueLength", "-1"),
            ("Agents:Llama:MaxConcurrentSequences", "64"),
            ("Agents:Llama:MaxBeamWidth", "8"),
            ("Agents:Llama:StreamFlushInterval", "00:00:05"),
            ("Agents:Llama:PrefixCache:MaxBytes", "0"),
            ("Agents:Llama:PrefixCache:MinimumPrefixTokens", "0"),
            ("Agents:Llama:PrefixCache:DiskDirectory", " "),
            ("Agents:Llama:StructuredOutput:MaxSchemaDepth", "0")));

        string[] keys =
        [
            "Agents:Llama:ContextSize:",
            "Agents:Llama:UBatchSize:",
            "Agents:Llama:MaxQueueLength:",
            "Agents:Llama:BatchSize:",
            "Agents:Llama:StreamFlushInterval:",
            "Agents:Llama:PrefixCache:MaxBytes:",
            "Agents:Llama:PrefixCache:MinimumPrefixTokens:",
            "Agents:Llama:PrefixCache:DiskDirectory:",
            "Agents:Llama:StructuredOutput:MaxSchemaDepth:",
        ];
        Assert.All(keys, key => Assert.Contains(key, ex.Message, StringComparison.Ordinal));
        Assert.Equal(keys.Length, ex.Failures.Count());
    }

    [Fact]
    public void GetErrors_DefaultsWithAModelPath_IsEmpty()
    {
        Assert.Empty(OptionsValidator.GetErrors(new LlamaModelOptions { Load = { ModelPath = "m.gguf" }, PrefixCache = new() }, "Agents:Llama"));
    }

    [Fact]
    public void GetErrors_MissingSections_NameThem()
    {
        var options = new LlamaModelOptions { Load = null!, Scheduling = null!, StructuredOutput = null! };

        var errors = OptionsValidator.GetErrors(options);

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Load:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Scheduling:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("StructuredOutput:", StringComparison.Ordinal));
    }

    [Fact]
    public void LlamaGenerator_InvalidOptionsInCode_OneArgumentExceptionNamingEveryKey()
    {
        var options = new LlamaModelOptions
        {
            Load = { ModelPath = "", Threads = 0 },
            Scheduling = { MaxBeamWidth = 0 },
            PrefixCache = new PrefixCacheOptions { MaxDiskBytes = 0 },
        };

        var ex = Assert.Throws<ArgumentException>(() => new LlamaGenerator(options));

        Assert.Equal("options", ex.ParamName);
        Assert.Contains("ModelPath:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Threads:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxBeamWidth:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("PrefixCache:MaxDiskBytes:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Clone_ChangesToTheOriginalSections_DoNotReachTheCopy()
    {
        var options = new LlamaModelOptions
        {
            Load = { ModelPath = "a.gguf", LoraAdapters = [new LlamaLoraAdapterOptions { Path = "l.gguf", Scale = 1 }] },
            Scheduling = { MaxQueueLength = 3 },
            PrefixCache = new PrefixCacheOptions { MaxBytes = 100 },
        };

        var copy = options.Clone();
        options.Load.ModelPath = "b.gguf";
        options.Load.LoraAdapters[0].Scale = 2;
        options.Scheduling.MaxQueueLength = 4;
        options.PrefixCache.MaxBytes = 200;

        Assert.Equal("a.gguf", copy.Load.ModelPath);
        Assert.Equal(1, copy.Load.LoraAdapters[0].Scale);
        Assert.Equal(3, copy.Scheduling.MaxQueueLength);
        Assert.Equal(100, copy.PrefixCache!.MaxBytes);
    }
}
