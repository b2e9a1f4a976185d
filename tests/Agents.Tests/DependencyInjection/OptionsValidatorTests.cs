using System.ComponentModel.DataAnnotations;
using Agents.Configuration;

namespace Agents.Tests.DependencyInjection;

public sealed class OptionsValidatorTests
{
    [Fact]
    public void GetErrors_SeveralBadKeysAndASection_ListsEveryOneUnderItsKey()
    {
        var options = new SampleOptions { Count = 0, Name = null, Section = new SampleSection { Ratio = 7 } };

        var errors = OptionsValidator.GetErrors(options, "Agents:Sample");

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Agents:Sample:Count:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Agents:Sample:Name:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Agents:Sample:Section:Ratio:", StringComparison.Ordinal));
    }

    [Fact]
    public void GetErrors_ValidOptions_IsEmpty()
    {
        Assert.Empty(OptionsValidator.GetErrors(new SampleOptions()));
    }

    [Fact]
    public void ThrowIfInvalid_BadKeys_OneArgumentExceptionNamingEach()
    {
        var ex = Assert.Throws<ArgumentException>(() => OptionsValidator.ThrowIfInvalid(new SampleOptions { Count = 0, Name = null }, "options"));

        Assert.Equal("options", ex.ParamName);
        Assert.Contains("Count", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigurationKeyValidator_UsesTheSameRules()
    {
        var result = new ConfigurationKeyValidator<SampleOptions>(null, "S").Validate(null, new SampleOptions { Section = new SampleSection { Ratio = 3 } });

        Assert.True(result.Failed);
        Assert.Single(result.Failures!);
        Assert.Equal("S:Section: Ratio must not be odd.", result.Failures!.Single());
    }

    public sealed class SampleOptions
    {
        [Range(1, 10)]
        public int Count { get; set; } = 1;

        [Required]
        public string? Name { get; set; } = "n";

        public SampleSection Section { get; set; } = new();

        public IList<string> Tags { get; set; } = ["a"];
    }

    public sealed class SampleSection : IValidatableObject
    {
        [Range(0, 5)]
        public int Ratio { get; set; }

        public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
        {
            if (Ratio % 2 == 1)
            {
                yield return new ValidationResult("Ratio must not be odd.");
            }
        }
    }
}
