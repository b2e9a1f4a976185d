using System.Text.Json;

namespace Agents.Abstractions.Tests.Options;

public class GenerationOptionsTests
{
    [Fact]
    public void Clone_CopiesEveryProperty()
    {
        var original = Populated();

        var clone = original.Clone();

        foreach (var property in typeof(GenerationOptions).GetProperties())
        {
            var value = property.GetValue(original);
            var cloned = property.GetValue(clone);
            Assert.NotNull(value);
            if (value is System.Collections.IEnumerable sequence and not string)
            {
                Assert.Equal(sequence.Cast<object?>(), ((System.Collections.IEnumerable)cloned!).Cast<object?>());
            }
            else
            {
                Assert.Equal(value, cloned);
            }
        }
    }

    [Fact]
    public void Clone_CollectionsAreIndependent()
    {
        var original = Populated();
        var clone = original.Clone();

        clone.StopSequences!.Add("new");
        clone.Tools!.Clear();
        clone.AdditionalProperties!["k"] = "changed";

        Assert.Single(original.StopSequences!);
        Assert.Single(original.Tools!);
        Assert.Equal("v", original.AdditionalProperties!["k"]);
    }

    [Fact]
    public void Request_Clone_DoesNotShareMessagesOrOptions()
    {
        var request = GenerationRequest.FromPrompt("hi", new GenerationOptions { MaxTokens = 5 });

        var clone = request.Clone();
        clone.Messages.Add(Message.Assistant("added"));
        clone.Options!.MaxTokens = 9;

        Assert.Single(request.Messages);
        Assert.Equal(5, request.Options!.MaxTokens);
    }

    [Theory]
    [InlineData(null, DecodingKind.Greedy)]
    [InlineData(0f, DecodingKind.Greedy)]
    [InlineData(0.7f, DecodingKind.Sampling)]
    public void GetEffectiveDecoding_NoStrategy_FollowsTemperature(float? temperature, DecodingKind expected)
    {
        var options = new GenerationOptions { Temperature = temperature };

        Assert.Equal(expected, options.GetEffectiveDecoding().Kind);
    }

    [Fact]
    public void ResponseFormat_SchemaNotAnObject_Throws()
    {
        using var document = JsonDocument.Parse("[1,2]");

        Assert.Throws<ArgumentException>(() => ResponseFormat.ForJsonSchema(document.RootElement));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("dot.name")]
    public void ToolDefinition_BadName_Throws(string name) =>
        Assert.ThrowsAny<ArgumentException>(() => new ToolDefinition(name));

    [Fact]
    public void Message_ToolResult_RequiresCallId() =>
        Assert.ThrowsAny<ArgumentException>(() => Message.ToolResult("", "{}"));

    private static GenerationOptions Populated()
    {
        using var schema = JsonDocument.Parse("""{"type":"object"}""");
        return new GenerationOptions
        {
            MaxTokens = 10,
            Temperature = 0.5f,
            TopK = 40,
            TopP = 0.9f,
            MinP = 0.05f,
            RepetitionPenalty = 1.1f,
            FrequencyPenalty = 0.2f,
            PresencePenalty = 0.3f,
            Seed = 42,
            StopSequences = ["END"],
            Decoding = DecodingStrategy.Beam(4, 0.8f),
            ResponseFormat = ResponseFormat.ForJsonSchema(schema.RootElement, "thing"),
            Tools = [new ToolDefinition("lookup", "Looks things up")],
            AllowParallelToolCalls = true,
            ToolChoice = ToolChoice.Function("search"),
            IncludeLogProbabilities = true,
            CacheHint = new CacheHint { StablePrefixMessageCount = 1, TenantKey = "t" },
            ModelId = "m",
            AdditionalProperties = new Dictionary<string, object?> { ["k"] = "v" },
        };
    }
}
