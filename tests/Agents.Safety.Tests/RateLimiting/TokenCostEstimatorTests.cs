using System.Text.Json;
using Agents.Safety.RateLimiting;

namespace Agents.Safety.Tests.RateLimiting;

public sealed class TokenCostEstimatorTests
{
    [Theory]
    [InlineData("", 1 + 4 - 1)]
    [InlineData("abcd", 1 + 4)]
    [InlineData("abcde", 2 + 4)]
    [InlineData("日本", 2 + 4)]
    public void EstimatePromptTokens_NoTokenizer_BytesOverFourRoundedUpPlusFraming(string text, int expected)
    {
        var request = new GenerationRequest([Message.User(text)]);
        Assert.Equal(Math.Max(1, expected), TokenCostEstimator.EstimatePromptTokens(request, tokenizer: null));
    }

    [Fact]
    public void EstimatePromptTokens_CountsEveryMessageToolCallsAndToolDefinitions()
    {
        var schema = JsonDocument.Parse("""{"type":"object"}""").RootElement;
        var request = new GenerationRequest(
            [
                Message.System("abcdefgh"),
                Message.Assistant("") with { ToolCalls = [new ToolCall("1", "abcd", "{\"a\":1}")] },
            ],
            new GenerationOptions { Tools = [new ToolDefinition("tool", "abcdefgh", schema)] });

        // system: 4 + 2; assistant: 4 + name 1 + args 7 bytes → 2; tool: name 1 + description 2 + schema 17 bytes → 5.
        Assert.Equal(6 + 7 + 8, TokenCostEstimator.EstimatePromptTokens(request, tokenizer: null));
    }

    [Fact]
    public void EstimateCost_AddsMaxTokensOrTheDefault()
    {
        Assert.Equal(110, TokenCostEstimator.EstimateCost(LimitsTestSupport.Request(maxTokens: 10), 100, 999));
        Assert.Equal(1099, TokenCostEstimator.EstimateCost(LimitsTestSupport.Request(maxTokens: null), 100, 999));
    }
}
