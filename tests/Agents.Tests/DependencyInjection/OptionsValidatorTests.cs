using System.ComponentModel.DataAnnotations;
using Agents.Configuration;

namespace Agents.Tests.DependencyInjection;

public sealed class OptionsValidatorTests
{
    [Fact]
    public void GetErrors_SeveralBadKeysAndASection_ListsEveryOneUnderItsKey()
    {
        var options = new SampleOptions { Count = 0, Name = null, Section = new SampleSection { Ratio = 8 } };

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

    [Fact]
    public void GetErrors_AttributeAndValidateFailuresInOneObject_ListsBoth()
    {
        // The DataAnnotations Validator alone skips IValidatableObject.Validate once an attribute failed.
        var options = new SampleOptions { Section = new SampleSection { Ratio = 9 } };

        var errors = OptionsValidator.GetErrors(options, "S");

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("S:Section:Ratio: The field Ratio must be between 0 and 5.", StringComparison.Ordinal));
        Assert.Contains("S:Section: Ratio must not be odd.", errors);
    }

    [Fact]
    public void GetErrors_FlattenedSection_ReportsItsKeysUnderTheParentPath()
    {
        var options = new FlatOptions { Inner = { Size = 0 } };

        var error = Assert.Single(OptionsValidator.GetErrors(options, "Agents:Flat"));

        Assert.StartsWith("Agents:Flat:Size:", error, StringComparison.Ordinal);
    }

    public sealed class FlatOptions
    {
        [FlattenedSection]
        public FlatInner Inner { get; set; } = new();
    }

    public sealed class FlatInner
    {
        [Range(1, 10)]
        public int Size { get; set; } = 1;
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
