namespace Agents.Abstractions.Tests.Options;

public class GenerationRequestValidatorTests
{
    public static TheoryData<string, GenerationOptions> InvalidOptions => new()
    {
        { "MaxTokens", new GenerationOptions { MaxTokens = 0 } },
        { "Temperature", new GenerationOptions { Temperature = -0.1f } },
        { "Temperature", new GenerationOptions { Temperature = float.NaN } },
        { "TopP", new GenerationOptions { TopP = 0f } },
        { "TopP", new GenerationOptions { TopP = 1.01f } },
        { "TopK", new GenerationOptions { TopK = -1 } },
        { "MinP", new GenerationOptions { MinP = 1.5f } },
        { "RepetitionPenalty", new GenerationOptions { RepetitionPenalty = 0f } },
        { "StopSequences", new GenerationOptions { StopSequences = ["ok", ""] } },
        { "CacheHint", new GenerationOptions { CacheHint = new CacheHint { StablePrefixMessageCount = 1, SharedPrefixMessageCount = 2 } } },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Validate_OptionOutOfRange_ThrowsNamingTheOption(string parameter, GenerationOptions options)
    {
        var request = GenerationRequest.FromPrompt("hi", options);

        var error = Assert.ThrowsAny<ArgumentException>(() => GenerationRequestValidator.Validate(request));

        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public void Validate_NoMessages_ThrowsNamingMessages()
    {
        var error = Assert.Throws<ArgumentException>(() => GenerationRequestValidator.Validate(new GenerationRequest([])));

        Assert.Equal("Messages", error.ParamName);
    }

    [Fact]
    public void Validate_NullMessage_Throws()
    {
        var request = new GenerationRequest([Message.User("a"), null!]);

        Assert.Throws<ArgumentException>(() => GenerationRequestValidator.Validate(request));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Beam_WidthBelowOne_ThrowsNamingWidth(int width)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => DecodingStrategy.Beam(width));

        Assert.Equal("width", error.ParamName);
    }

    [Fact]
    public void Validate_BoundaryValues_Accepted()
    {
        var options = new GenerationOptions
        {
            MaxTokens = 1,
            Temperature = 0,
            TopP = 1,
            TopK = 0,
            MinP = 0,
            Decoding = DecodingStrategy.Beam(1, lengthPenalty: 0),
        };

        GenerationRequestValidator.Validate(GenerationRequest.FromPrompt("hi", options));
    }
}
