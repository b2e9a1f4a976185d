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
}
