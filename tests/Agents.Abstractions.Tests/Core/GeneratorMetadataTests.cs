namespace Agents.Abstractions.Tests.Core;

public sealed class GeneratorMetadataTests
{
    private static readonly GeneratorMetadata Backend =
        new("test", Capabilities: GeneratorCapabilities.Streaming | GeneratorCapabilities.Tools);

    [Fact]
    public void Supports_EveryAskedCapabilityPresent_IsTrue()
    {
        Assert.True(Backend.Supports(GeneratorCapabilities.Streaming));
        Assert.True(Backend.Supports(GeneratorCapabilities.Streaming | GeneratorCapabilities.Tools));
        Assert.True(Backend.Supports(GeneratorCapabilities.None));
    }

    [Fact]
    public void Supports_OneAskedCapabilityMissing_IsFalse()
    {
        Assert.False(Backend.Supports(GeneratorCapabilities.JsonSchema));
        Assert.False(Backend.Supports(GeneratorCapabilities.Streaming | GeneratorCapabilities.JsonSchema));
        Assert.False(new GeneratorMetadata("bare").Supports(GeneratorCapabilities.Streaming));
    }
}
