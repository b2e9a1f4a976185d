using System.ComponentModel.DataAnnotations;

namespace Agents.Tests.Middleware;

public sealed class GenerationDefaultsTests
{
    private static GenerationDefaults Full() => new()
    {
        MaxTokens = 10,
        Temperature = 0.5f,
        TopK = 40,
        TopP = 0.9f,
        MinP = 0.05f,
        RepetitionPenalty = 1.1f,
        Seed = 7,
        StopSequences = ["END"],
        ModelId = "m",
    };

    private static List<ValidationResult> Validate(GenerationDefaults defaults)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(defaults, new ValidationContext(defaults), results, validateAllProperties: true);
        return results;
    }

    [Fact]
    public void ApplyTo_EmptyOptions_FillsEveryOption()
    {
        var defaults = Full();
        var options = new GenerationOptions();

        defaults.ApplyTo(options);

        Assert.Equal(10, options.MaxTokens);
        Assert.Equal(0.5f, options.Temperature);
        Assert.Equal(40, options.TopK);
        Assert.Equal(0.9f, options.TopP);
        Assert.Equal(0.05f, options.MinP);
        Assert.Equal(1.1f, options.RepetitionPenalty);
        Assert.Equal(7, options.Seed);
        Assert.Equal(["END"], options.StopSequences!);
        Assert.Equal("m", options.ModelId);
        Assert.NotSame(defaults.StopSequences, options.StopSequences);
    }

    [Fact]
    public void ApplyTo_OptionsAlreadySet_KeepsEveryOne()
    {
        var options = new GenerationOptions
        {
            MaxTokens = 1,
            Temperature = 0f,
            TopK = 1,
            TopP = 0.1f,
            MinP = 0.2f,
            RepetitionPenalty = 1.5f,
            Seed = 1,
            StopSequences = ["STOP"],
            ModelId = "mine",
        };

        Full().ApplyTo(options);

        Assert.Equal(1, options.MaxTokens);
        Assert.Equal(0f, options.Temperature);
        Assert.Equal(1, options.TopK);
        Assert.Equal(0.1f, options.TopP);
        Assert.Equal(0.2f, options.MinP);
        Assert.Equal(1.5f, options.RepetitionPenalty);
        Assert.Equal(1, options.Seed);
        Assert.Equal(["STOP"], options.StopSequences!);
        Assert.Equal("mine", options.ModelId);
    }

    [Fact]
    public void ApplyTo_NoDefaults_LeavesOptionsUnset()
    {
        var options = new GenerationOptions();

        new GenerationDefaults().ApplyTo(options);

        Assert.Null(options.MaxTokens);
        Assert.Null(options.StopSequences);
        Assert.Null(options.Temperature);
    }

    [Fact]
    public void ApplyTo_Null_Throws() => Assert.Throws<ArgumentNullException>(() => new GenerationDefaults().ApplyTo(null!));

    [Fact]
    public void Validate_FullValidDefaults_NoErrors() => Assert.Empty(Validate(Full()));

    [Theory]
    [InlineData(1f, true)]
    [InlineData(0.0001f, true)]
    [InlineData(0f, false)]
    [InlineData(-0.5f, false)]
    [InlineData(1.0001f, false)]
    [InlineData(float.NaN, false)]
    [InlineData(float.PositiveInfinity, false)]
    public void Validate_TopP_MustBeInZeroExclusiveToOne(float topP, bool valid)
    {
        var errors = Validate(new GenerationDefaults { TopP = topP });

        Assert.Equal(valid, errors.Count == 0);
        if (!valid)
        {
            Assert.Equal("TopP", Assert.Single(Assert.Single(errors).MemberNames));
        }
    }

    [Fact]
    public void Validate_EmptyStopSequence_NamesIt()
    {
        var errors = Validate(new GenerationDefaults { StopSequences = ["ok", ""] });

        Assert.Equal("StopSequences", Assert.Single(Assert.Single(errors).MemberNames));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Validate_NonFiniteFloats_Rejected(float value)
    {
        Assert.NotEmpty(Validate(new GenerationDefaults { Temperature = value }));
        Assert.NotEmpty(Validate(new GenerationDefaults { MinP = value }));
        Assert.NotEmpty(Validate(new GenerationDefaults { RepetitionPenalty = value }));
    }
}
