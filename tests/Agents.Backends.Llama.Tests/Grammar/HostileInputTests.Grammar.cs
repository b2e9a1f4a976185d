using System.Text;
using System.Text.Json;
using Agents.Backends.Llama.Grammar;
using Agents.Backends.Llama.Tests.Grammar;

namespace Agents.Backends.Llama.Tests;

public sealed partial class HostileInputTests : IClassFixture<ConstrainedGenerationFixture>
{
    private static JsonElement Parse(string json) =>
        JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 100_000 }).RootElement.Clone();

    [Fact]
    public void Grammar_DeeplyNestedSchema_RefusedNotStackOverflow()
    {
        var json = new StringBuilder();
        for (var i = 0; i < 5000; i++)
        {
            json.Append("""{"type":"object","properties":{"a":""");
        }

        json.Append("""{"type":"null"}""");
        for (var i = 0; i < 5000; i++)
        {
            json.Append("}}");
        }

        var ex = Assert.Throws<InvalidRequestException>(() => JsonSchemaGrammar.FromSchema(Parse(json.ToString())));

        Assert.Contains("MaxSchemaDepth", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Grammar_HugeEnum_Refused()
    {
        var values = string.Join(",", Enumerable.Range(0, 50_000).Select(i => $"\"v{i}\""));

        var ex = Assert.Throws<InvalidRequestException>(() => JsonSchemaGrammar.FromSchema(Parse($$"""{"enum":[{{values}}]}""")));

        Assert.Contains("MaxEnumValues", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Grammar_ManyLargeEnumsOverGrammarBudget_Refused()
    {
        var values = string.Join(",", Enumerable.Range(0, 1000).Select(i => $"\"{new string('x', 200)}{i}\""));
        var properties = string.Join(",", Enumerable.Range(0, 10).Select(p => $$"""
            "p{{p}}":{"enum":[{{values}},{{p}}]}
            """));

        var ex = Assert.Throws<InvalidRequestException>(() => JsonSchemaGrammar.FromSchema(Parse("{\"properties\":{" + properties + "}}")));

        Assert.Contains("MaxGrammarLength", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"$ref":"#"}""")]
    [InlineData("""{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"anyOf":[{"$ref":"#/$defs/a"},{"type":"null"}]}},"$ref":"#/$defs/a"}""")]
    public void Grammar_RecursiveRefWithoutProgress_RefusedAsLeftRecursion(string schema)
    {
        var ex = Assert.Throws<InvalidRequestException>(() => JsonSchemaGrammar.FromSchema(Parse(schema)));

        Assert.Contains("left recursion", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("([a-z]")]
    [InlineData("a{99999}")]
    [InlineData("\\p{L}+")]
    [InlineData("(?<name>x)")]
    public void Grammar_InvalidOrUnsupportedPattern_Refused(string pattern)
    {
        var schema = JsonSerializer.Serialize(new Dictionary<string, object> { ["type"] = "string", ["pattern"] = pattern });

        var ex = Assert.Throws<InvalidRequestException>(() => JsonSchemaGrammar.FromSchema(Parse(schema)));

        Assert.Contains("pattern", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Grammar_GbnfNestedTenThousandDeep_RefusedNotStackOverflow()
    {
        var text = "root ::= " + new string('(', 10_000) + "\"a\"" + new string(')', 10_000);

        var ex = Assert.Throws<GbnfSyntaxException>(() => GbnfGrammar.Parse(text));

        Assert.Contains("nested more than", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Grammar_GbnfLongRuleChain_CheckedWithoutRecursion()
    {
        var text = new StringBuilder("root ::= r0\n");
        for (var i = 0; i < 50_000; i++)
        {
            text.Append($"r{i} ::= r{i + 1}\n");
        }

        text.Append("r50000 ::= r0\n");

        var ex = Assert.Throws<GbnfSyntaxException>(() => GbnfGrammar.Parse(text.ToString()));

        Assert.Contains("left recursion", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("root ::= \"\\uD800\"")]
    [InlineData("root ::= \"\\U00110000\"")]
    [InlineData("root ::= \"a\0\"")]
    [InlineData("root ::= \"a\" | | \"b\"")]
    [InlineData("root ::= \"a\"{999999999999}")]
    public void Grammar_GbnfHostileText_Refused(string text)
    {
        Assert.Throws<GbnfSyntaxException>(() => GbnfGrammar.Parse(text));
    }

    [Fact]
    public async Task Grammar_GeneratorGivenHostileSchema_RefusesAndKeepsServing()
    {
        var options = new GenerationOptions { MaxTokens = 4, ResponseFormat = ResponseFormat.ForJsonSchema(Parse("""{"$ref":"#"}""")) };

        await Assert.ThrowsAsync<InvalidRequestException>(() => _constrained.GenerateAsync("x", options));
        var ok = await _constrained.GenerateAsync("x", new GenerationOptions { MaxTokens = 20, ResponseFormat = ResponseFormat.ForJsonSchema(Parse("""{"type":"boolean"}""")) });

        Assert.Contains(ok.Text, new[] { "true", "false" });
    }

    [Fact]
    public async Task Grammar_ToolSchemaUnsupported_RefusedNamingTheKeyword()
    {
        var options = new GenerationOptions
        {
            Tools = [new ToolDefinition("t", null, Parse("""{"type":"object","properties":{"x":{"type":"integer","multipleOf":2}}}"""))],
        };

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => _constrained.GenerateAsync("x", options));

        Assert.Contains("multipleOf", ex.Message, StringComparison.Ordinal);
    }
}
