namespace Agents.Tests.Interop;

/// <summary>Property-by-property equality for the contract's mutable classes, which have no Equals of their own.</summary>
internal static class InteropAssert
{
    public static void OptionsEqual(GenerationOptions expected, GenerationOptions? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.MaxTokens, actual.MaxTokens);
        Assert.Equal(expected.Temperature, actual.Temperature);
        Assert.Equal(expected.TopK, actual.TopK);
        Assert.Equal(expected.TopP, actual.TopP);
        Assert.Equal(expected.MinP, actual.MinP);
        Assert.Equal(expected.RepetitionPenalty, actual.RepetitionPenalty);
        Assert.Equal(expected.FrequencyPenalty, actual.FrequencyPenalty);
        Assert.Equal(expected.PresencePenalty, actual.PresencePenalty);
        Assert.Equal(expected.Seed, actual.Seed);
        Assert.Equal(expected.StopSequences, actual.StopSequences);
        Assert.Equal(expected.Decoding, actual.Decoding);
        Assert.Equal(expected.ResponseFormat, actual.ResponseFormat);
        Assert.Equal(expected.Tools, actual.Tools);
        Assert.Equal(expected.AllowParallelToolCalls, actual.AllowParallelToolCalls);
        Assert.Equal(expected.ToolChoice, actual.ToolChoice);
        Assert.Equal(expected.IncludeLogProbabilities, actual.IncludeLogProbabilities);
        Assert.Equal(expected.CacheHint, actual.CacheHint);
        Assert.Equal(expected.ModelId, actual.ModelId);
        Assert.Equal(expected.AdditionalProperties, actual.AdditionalProperties);
    }

    public static void ResultsEqual(GenerationResult expected, GenerationResult actual)
    {
        Assert.Equal(expected.Message, actual.Message);
        Assert.Equal(expected.FinishReason, actual.FinishReason);
        Assert.Equal(expected.Usage, actual.Usage);
        Assert.Equal(expected.Timings, actual.Timings);
        Assert.Equal(expected.ModelId, actual.ModelId);
        Assert.Equal(expected.ResponseId, actual.ResponseId);
        Assert.Equal(expected.LogProbabilities, actual.LogProbabilities);
        Assert.Equal(expected.Beams, actual.Beams);
        Assert.Equal(expected.AdditionalProperties, actual.AdditionalProperties);
    }

    public static void UpdatesEqual(GenerationUpdate expected, GenerationUpdate actual)
    {
        Assert.Equal(expected.Text, actual.Text);
        Assert.Equal(expected.ToolCalls, actual.ToolCalls);
        Assert.Equal(expected.FinishReason, actual.FinishReason);
        Assert.Equal(expected.Usage, actual.Usage);
        Assert.Equal(expected.Timings, actual.Timings);
        Assert.Equal(expected.ModelId, actual.ModelId);
        Assert.Equal(expected.ResponseId, actual.ResponseId);
        Assert.Equal(expected.LogProbabilities, actual.LogProbabilities);
        Assert.Equal(expected.Beams, actual.Beams);
        Assert.Equal(expected.AdditionalProperties, actual.AdditionalProperties);
    }
}
