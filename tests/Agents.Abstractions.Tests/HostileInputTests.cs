namespace Agents.Abstractions.Tests;

/// <summary>
/// Inputs an attacker (or a buggy caller) would send to the contract types: each must end in a typed error that
/// names the bad option, never reach a backend.
/// </summary>
public partial class HostileInputTests
{
    public static TheoryData<string, GenerationOptions> NonFiniteFloatOptions
    {
        get
        {
            var data = new TheoryData<string, GenerationOptions>();
            foreach (var value in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            {
                data.Add("Temperature", new GenerationOptions { Temperature = value });
                data.Add("TopP", new GenerationOptions { TopP = value });
                data.Add("MinP", new GenerationOptions { MinP = value });
                data.Add("RepetitionPenalty", new GenerationOptions { RepetitionPenalty = value });
                data.Add("FrequencyPenalty", new GenerationOptions { FrequencyPenalty = value });
                data.Add("PresencePenalty", new GenerationOptions { PresencePenalty = value });
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(NonFiniteFloatOptions))]
    public void Validate_NonFiniteFloatOption_ThrowsNamingTheOption(string option, GenerationOptions options)
    {
        var request = GenerationRequest.FromPrompt("hi", options);

        var error = Assert.ThrowsAny<ArgumentException>(() => GenerationRequestValidator.Validate(request));

        Assert.Equal(option, error.ParamName);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    [InlineData(-0.001f)]
    public void Beam_NonFiniteOrNegativeLengthPenalty_ThrowsNamingIt(float penalty)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => DecodingStrategy.Beam(2, penalty));

        Assert.Equal("lengthPenalty", error.ParamName);
    }

    [Theory]
    [InlineData(-2f)]
    [InlineData(0f)]
    [InlineData(2f)]
    public void Validate_FinitePenalties_Accepted(float penalty)
    {
        var options = new GenerationOptions { FrequencyPenalty = penalty, PresencePenalty = penalty };

        GenerationRequestValidator.Validate(GenerationRequest.FromPrompt("hi", options));
    }

    [Fact]
    public void Validate_MaxTokensIntMaxValue_AcceptedHereBecauseTheBackendChecksTheContextWindow()
    {
        // The contract allows any positive MaxTokens; the context-window check (with overflow-safe arithmetic) is
        // the backend's, which knows the prompt length and the window.
        var options = new GenerationOptions { MaxTokens = int.MaxValue };

        GenerationRequestValidator.Validate(GenerationRequest.FromPrompt("hi", options));
    }

    [Fact]
    public void Validate_MinPBoundaries_ZeroAndOneAcceptedJustOutsideRejected()
    {
        GenerationRequestValidator.Validate(GenerationRequest.FromPrompt("hi", new GenerationOptions { MinP = 0f }));
        GenerationRequestValidator.Validate(GenerationRequest.FromPrompt("hi", new GenerationOptions { MinP = 1f }));

        Assert.Equal("MinP", Assert.ThrowsAny<ArgumentException>(
            () => GenerationRequestValidator.Validate(GenerationRequest.FromPrompt("hi", new GenerationOptions { MinP = 1.0001f }))).ParamName);
        Assert.Equal("MinP", Assert.ThrowsAny<ArgumentException>(
            () => GenerationRequestValidator.Validate(GenerationRequest.FromPrompt("hi", new GenerationOptions { MinP = -0.0001f }))).ParamName);
    }

    [Theory]
    [InlineData(0, 0, true)]
    [InlineData(3, 3, true)]
    [InlineData(3, 0, true)]
    [InlineData(-1, 0, false)]
    [InlineData(0, -1, false)]
    [InlineData(2, 3, false)]
    public void Validate_CacheHintCounts_AtTheirBoundaries(int stable, int shared, bool valid)
    {
        var options = new GenerationOptions { CacheHint = new CacheHint { StablePrefixMessageCount = stable, SharedPrefixMessageCount = shared } };
        var request = GenerationRequest.FromPrompt("hi", options);

        if (valid)
        {
            GenerationRequestValidator.Validate(request);
        }
        else
        {
            Assert.Equal("CacheHint", Assert.ThrowsAny<ArgumentException>(() => GenerationRequestValidator.Validate(request)).ParamName);
        }
    }

    [Fact]
    public void Validate_BoundaryValuesOfEveryRange_Accepted()
    {
        var options = new GenerationOptions
        {
            MaxTokens = 1, Temperature = 0f, TopP = float.Epsilon, TopK = 0, MinP = 1f, RepetitionPenalty = float.Epsilon,
            FrequencyPenalty = float.MaxValue, PresencePenalty = float.MinValue, StopSequences = ["x"],
        };

        GenerationRequestValidator.Validate(GenerationRequest.FromPrompt("hi", options));
    }

    [Fact]
    public void ContextWindowExceededException_HugeRequest_MessageSumsWithoutOverflow()
    {
        var error = new ContextWindowExceededException(10, 512, int.MaxValue);

        Assert.Contains("2147483657 in all", error.Message, StringComparison.Ordinal);
        Assert.Equal(int.MaxValue, error.RequestedCompletionTokens);
    }
}
