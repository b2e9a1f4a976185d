using Agents.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agents.Tests.DependencyInjection;

/// <summary>Keys under a section that no property binds are reported, however the options nest.</summary>
public class UnknownConfigurationKeysTests
{
    private static IConfigurationSection Section(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("Backend:" + v.Key, v.Value)))
            .Build()
            .GetSection("Backend");

    [Fact]
    public void Find_EveryKeyKnown_ReportsNothing()
    {
        var section = Section(
            ("mODEL", "case-insensitive"),
            ("Endpoint", "http://x/"),
            ("Timeout", "00:00:05"),
            ("Nested:Size", "3"),
            ("Items:0:Size", "1"),
            ("Labels:anything", "goes"),
            ("Tags:0", "a"),
            ("renamed_key", "x"));

        Assert.Empty(UnknownConfigurationKeys.Find(section, typeof(SampleOptions)));
    }

    [Fact]
    public void Find_TopLevelTypo_NamesFullKeyAndClosestSetting()
    {
        var error = Assert.Single(UnknownConfigurationKeys.Find(Section(("Modle", "m")), typeof(SampleOptions)));

        Assert.Contains("Backend:Modle", error, StringComparison.Ordinal);
        Assert.Contains("did you mean 'Model'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_FarFromEverySetting_SuggestsNothing()
    {
        var error = Assert.Single(UnknownConfigurationKeys.Find(Section(("Zebra", "1")), typeof(SampleOptions)));

        Assert.Contains("Backend:Zebra", error, StringComparison.Ordinal);
        Assert.DoesNotContain("did you mean", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_TyposInNestedObjectsAndListItems_AreReportedWithTheirPaths()
    {
        var errors = UnknownConfigurationKeys.Find(Section(("Nested:Sise", "3"), ("Items:1:Colour", "red")), typeof(SampleOptions));

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Contains("Backend:Nested:Sise", StringComparison.Ordinal) && e.Contains("'Size'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Backend:Items:1:Colour", StringComparison.Ordinal));
    }

    [Fact]
    public void Find_PropertyNameHiddenByConfigurationKeyName_IsUnknown()
    {
        var error = Assert.Single(UnknownConfigurationKeys.Find(Section(("Renamed", "x")), typeof(SampleOptions)));

        Assert.StartsWith("Backend:Renamed:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AddValidatedOptions_UnknownKeyAndBadValue_ReportsBothInOneException()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Agents:Defaults:MaxTokens"] = "0", ["Agents:Defaults:Temprature"] = "0.3" })
            .Build();
        var services = new ServiceCollection();
        services.AddValidatedOptions<GenerationDefaults>(configuration.GetSection("Agents:Defaults"));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<GenerationDefaults>>().Value);

        Assert.Contains("Agents:Defaults:Temprature", ex.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'Temperature'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Agents:Defaults:MaxTokens", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_OtherOptionsName_Skips()
    {
        var validator = new ConfigurationKeyValidator<SampleOptions>("a", "Backend", Section(("Modle", "m")));

        Assert.True(validator.Validate("b", new SampleOptions()).Skipped);
        Assert.True(validator.Validate("a", new SampleOptions()).Failed);
    }

    [Fact]
    public void Find_FlattenedSection_ItsKeysAreKnownAtTheParentLevelAndItsNameIsNot()
    {
        Assert.Empty(UnknownConfigurationKeys.Find(Section(("Model", "m"), ("Size", "3"), ("Deep:Size", "4")), typeof(FlatOptions)));

        var errors = UnknownConfigurationKeys.Find(Section(("Inner:Size", "3"), ("Sise", "3")), typeof(FlatOptions));

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Backend:Inner:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Backend:Sise:", StringComparison.Ordinal) && e.Contains("'Size'", StringComparison.Ordinal));
    }

    [Fact]
    public void AddValidatedOptions_FlattenedSection_BindsFromTheParentKeysAndValidatesThem()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Backend:Model"] = "m", ["Backend:Size"] = "3", ["Backend:Deep:Size"] = "4" })
            .Build();
        var services = new ServiceCollection();
        services.AddValidatedOptions<FlatOptions>(configuration.GetSection("Backend"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<FlatOptions>>().Value;

        Assert.Equal("m", options.Model);
        Assert.Equal(3, options.Inner.Size);
        Assert.Equal(4, options.Inner.Deep.Size);
    }

    [Fact]
    public void OptionsBinder_Bind_FillsFlattenedSectionsWhichThePlainBinderLeavesAlone()
    {
        var section = Section(("Model", "m"), ("Size", "3"));
        var plain = new FlatOptions();
        var flattened = new FlatOptions();

        section.Bind(plain);
        OptionsBinder.Bind(section, flattened);

        Assert.Equal(0, plain.Inner.Size);
        Assert.Equal("m", flattened.Model);
        Assert.Equal(3, flattened.Inner.Size);
    }

    public sealed class FlatOptions
    {
        public string? Model { get; set; }

        [FlattenedSection]
        public FlatInner Inner { get; set; } = new();
    }

    public sealed class FlatInner
    {
        public int Size { get; set; }

        public NestedOptions Deep { get; set; } = new();
    }

    public sealed class SampleOptions
    {
        public string? Model { get; set; }

        public Uri? Endpoint { get; set; }

        public TimeSpan Timeout { get; set; }

        public NestedOptions Nested { get; } = new();

        public IList<NestedOptions> Items { get; } = [];

        public IDictionary<string, string> Labels { get; } = new Dictionary<string, string>();

        public string[] Tags { get; set; } = [];

        [ConfigurationKeyName("renamed_key")]
        public string? Renamed { get; set; }
    }

    public sealed class NestedOptions
    {
        public int Size { get; set; }
    }
}
