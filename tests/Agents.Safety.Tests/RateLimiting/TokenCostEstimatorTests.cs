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
    public void EstimatePromptTokens_ToolWithoutDescription_CountsNameAndSchemaOnly()
    {
        var schema = JsonDocument.Parse("""{"type":"object"}""").RootElement;
        var request = new GenerationRequest([Message.User("")], new GenerationOptions { Tools = [new ToolDefinition("abcd", null, schema)] });

        // message: 4 framing; tool: name 1 + schema 17 bytes → 5.
        Assert.Equal(4 + 1 + 5, TokenCostEstimator.EstimatePromptTokens(request, tokenizer: null));
    }

    [Fact]
    public void EstimatePromptTokens_Tokenizer_EmptyTextsAreNotTokenized()
    {
        // A tokenizer that adds a start token to anything it is given: empty texts must cost nothing, not that token.
        var tokenizer = new StartTokenTokenizer();
        var request = new GenerationRequest(
            [
                Message.User(""),
                Message.Assistant("") with { ToolCalls = [new ToolCall("1", "f", "")] },
                Message.User("abc"),
            ]);

        // 4 + 0; 4 + 0 + name (1 + 1) + 0; 4 + (3 + 1).
        Assert.Equal(4 + 6 + 8, TokenCostEstimator.EstimatePromptTokens(request, tokenizer));
    }

    [Fact]
    public void EstimateCost_AddsMaxTokensOrTheDefault()
    {
        Assert.Equal(110, TokenCostEstimator.EstimateCost(LimitsTestSupport.Request(maxTokens: 10), 100, 999));
        Assert.Equal(1099, TokenCostEstimator.EstimateCost(LimitsTestSupport.Request(maxTokens: null), 100, 999));
    }

    private sealed class StartTokenTokenizer : ITokenizer
    {
        public int CountTokens(string text) => text.Length + 1;

        public string Decode(IEnumerable<int> tokens) => throw new NotSupportedException();

        public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false) => throw new NotSupportedException();
    }
}
