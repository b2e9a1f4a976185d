namespace Agents.Tests.Middleware;

public sealed class ResponseCacheKeyTests
{
    private static GenerationRequest Request() => GenerationRequest.FromPrompt("hi", new GenerationOptions { MaxTokens = 5 });

    [Fact]
    public void Compute_ProviderDiffers_GivesAnotherKey()
    {
        // Two providers serving a model of the same name answer differently: their answers must not be shared.
        Assert.NotEqual(
            ResponseCacheKey.Compute(Request(), "model", "openai"),
            ResponseCacheKey.Compute(Request(), "model", "anthropic"));
        Assert.NotEqual(
            ResponseCacheKey.Compute(Request(), "model", "openai"),
            ResponseCacheKey.Compute(Request(), "model", null));
    }

    [Fact]
    public void Compute_ModelDiffers_GivesAnotherKey() =>
        Assert.NotEqual(ResponseCacheKey.Compute(Request(), "a", "p"), ResponseCacheKey.Compute(Request(), "b", "p"));

    [Fact]
    public void Compute_ProviderAndModelSwapped_GiveAnotherKey() =>
        Assert.NotEqual(ResponseCacheKey.Compute(Request(), "x", "y"), ResponseCacheKey.Compute(Request(), "y", "x"));

    [Fact]
    public void Compute_SameInputs_SameLowercaseSha256Hex()
    {
        var key = ResponseCacheKey.Compute(Request(), "model", "provider");

        Assert.Equal(key, ResponseCacheKey.Compute(Request(), "model", "provider"));
        Assert.Equal(64, key.Length);
        Assert.Matches("^[0-9a-f]{64}$", key);
    }

    [Fact]
    public void Compute_NoOptionsAndEmptyOptions_GiveTheSameKey() =>
        Assert.Equal(
            ResponseCacheKey.Compute(GenerationRequest.FromPrompt("hi"), "m", "p"),
            ResponseCacheKey.Compute(GenerationRequest.FromPrompt("hi", new GenerationOptions()), "m", "p"));

    [Fact]
    public void Compute_MessageOrder_Matters() =>
        Assert.NotEqual(
            ResponseCacheKey.Compute(new GenerationRequest([Message.User("a"), Message.User("b")]), "m", "p"),
            ResponseCacheKey.Compute(new GenerationRequest([Message.User("b"), Message.User("a")]), "m", "p"));

    [Fact]
    public void Compute_AdditionalPropertiesInAnyInsertionOrder_GiveTheSameKey()
    {
        var first = new GenerationOptions { AdditionalProperties = new Dictionary<string, object?> { ["a"] = 1, ["b"] = "x" } };
        var second = new GenerationOptions { AdditionalProperties = new Dictionary<string, object?> { ["b"] = "x", ["a"] = 1 } };

        Assert.Equal(
            ResponseCacheKey.Compute(GenerationRequest.FromPrompt("hi", first), "m", "p"),
            ResponseCacheKey.Compute(GenerationRequest.FromPrompt("hi", second), "m", "p"));
    }

    [Fact]
    public void Compute_AdditionalPropertyTypeDiffers_GivesAnotherKey()
    {
        var asInt = new GenerationOptions { AdditionalProperties = new Dictionary<string, object?> { ["a"] = 1 } };
        var asLong = new GenerationOptions { AdditionalProperties = new Dictionary<string, object?> { ["a"] = 1L } };

        Assert.NotEqual(
            ResponseCacheKey.Compute(GenerationRequest.FromPrompt("hi", asInt), "m", "p"),
            ResponseCacheKey.Compute(GenerationRequest.FromPrompt("hi", asLong), "m", "p"));
    }

    [Fact]
    public void Compute_StopSequencesSplitDifferently_GiveAnotherKey()
    {
        var one = new GenerationOptions { StopSequences = ["ab"] };
        var two = new GenerationOptions { StopSequences = ["a", "b"] };

        Assert.NotEqual(
            ResponseCacheKey.Compute(GenerationRequest.FromPrompt("hi", one), "m", "p"),
            ResponseCacheKey.Compute(GenerationRequest.FromPrompt("hi", two), "m", "p"));
    }

    [Fact]
    public void Compute_ReturnAllBeamsOrLengthPenaltyDiffers_GivesAnotherKey()
    {
        string Key(DecodingStrategy decoding) =>
            ResponseCacheKey.Compute(GenerationRequest.FromPrompt("hi", new GenerationOptions { Decoding = decoding }), "m", "p");

        Assert.NotEqual(Key(DecodingStrategy.Beam(2)), Key(DecodingStrategy.Beam(2, returnAllBeams: true)));
        Assert.NotEqual(Key(DecodingStrategy.Beam(2)), Key(DecodingStrategy.Beam(2, 0.5f)));
        Assert.NotEqual(Key(DecodingStrategy.Greedy), Key(DecodingStrategy.Sampling));
    }
}
