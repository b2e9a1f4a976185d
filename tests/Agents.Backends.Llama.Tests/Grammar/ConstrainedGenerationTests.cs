using System.Text;
using System.Text.Json;
using Agents.Backends.Llama.Grammar;
using Agents.Testing;

namespace Agents.Backends.Llama.Tests.Grammar;

public sealed class ConstrainedGenerationTests(ConstrainedGenerationFixture fixture) : IClassFixture<ConstrainedGenerationFixture>
{
    private const int MaxTokens = 600;
    private readonly LlamaGenerator _generator = fixture.Generator;

    public static TheoryData<string> SchemaNames() => [.. StructuredSchemaCorpus.Schemas.Select(s => s.Name)];

    private static GenerationOptions Options(string schema, long? seed) => new()
    {
        MaxTokens = MaxTokens,
        ResponseFormat = ResponseFormat.ForJsonSchema(JsonDocument.Parse(schema).RootElement),
        Temperature = seed is null ? 0f : 1f,
        Seed = seed,
    };

    [Theory]
    [MemberData(nameof(SchemaNames))]
    public async Task GenerateAsync_JsonSchema_EverySeedYieldsSchemaValidJson(string name)
    {
        var schema = StructuredSchemaCorpus.Schemas.Single(s => s.Name == name).Schema;
        long?[] seeds = [null, 1, 2];

        var results = await Task.WhenAll(seeds.Select(seed => _generator.GenerateAsync($"Answer with JSON ({name}).", Options(schema, seed))));

        Assert.Equal(3, results.Length);
        Assert.All(results, result =>
        {
            Assert.Equal(FinishReason.Stop, result.FinishReason);
            Assert.Empty(SchemaCheck.Errors(schema, result.Text));
        });
    }

    [Fact]
    public void Corpus_HasAtLeastTwentyVariedSchemas()
    {
        Assert.True(StructuredSchemaCorpus.Schemas.Count >= 20);
        Assert.Equal(StructuredSchemaCorpus.Schemas.Count, StructuredSchemaCorpus.Schemas.Select(s => s.Name).Distinct().Count());
    }

    [Fact]
    public async Task StreamAsync_JsonSchema_ConcatenatedUpdatesAreValid()
    {
        var schema = StructuredSchemaCorpus.Schemas.Single(s => s.Name == "nested-object").Schema;
        var text = new StringBuilder();
        var updates = 0;

        await foreach (var update in _generator.StreamAsync("Stream JSON.", Options(schema, 7)))
        {
            text.Append(update.Text);
            updates++;
        }

        Assert.True(updates > 1);
        Assert.Empty(SchemaCheck.Errors(schema, text.ToString()));
    }

    [Fact]
    public async Task GenerateAsync_JsonFormat_YieldsAJsonObject()
    {
        var result = await _generator.GenerateAsync("Any JSON object.", new GenerationOptions { MaxTokens = MaxTokens, ResponseFormat = ResponseFormat.Json, Seed = 5, Temperature = 1f });

        using var document = JsonDocument.Parse(result.Text);
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
    }

    [Fact]
    public async Task GenerateAsync_RawGrammar_OutputFollowsIt()
    {
        var options = new GenerationOptions
        {
            MaxTokens = 20,
            AdditionalProperties = new Dictionary<string, object?> { [LlamaGrammarPropertyNames.Grammar] = "root ::= (\"yes\" | \"no\") \"!\"{1,3}" },
        };

        var result = await _generator.GenerateAsync("Yes or no?", options);

        Assert.Matches("^(yes|no)!{1,3}$", result.Text);
    }

    [Fact]
    public async Task GenerateAsync_InvalidRawGrammar_RefusedBeforeLlamaCppSeesIt()
    {
        var options = new GenerationOptions
        {
            MaxTokens = 5,
            AdditionalProperties = new Dictionary<string, object?> { [LlamaGrammarPropertyNames.Grammar] = "root ::= \"a\" undefined-rule" },
        };

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => _generator.GenerateAsync("x", options));

        Assert.Contains("undefined rule 'undefined-rule'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("1:14", ex.Message, StringComparison.Ordinal);
        // The generator still works afterwards: nothing reached llama.cpp.
        Assert.Equal(FinishReason.Length, (await _generator.GenerateAsync("x", new GenerationOptions { MaxTokens = 2 })).FinishReason);
    }

    [Fact]
    public async Task GenerateAsync_BeamWithSchema_Refused()
    {
        var options = Options("""{"type":"boolean"}""", null);
        options.Decoding = DecodingStrategy.Beam(2);

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => _generator.GenerateAsync("x", options));

        Assert.Equal("Decoding", ex.Parameter);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(11L)]
    public async Task GenerateAsync_ToolsRequired_ReturnsWellFormedCallsOfDeclaredTools(long? seed)
    {
        var weatherSchema = """{"type":"object","properties":{"city":{"type":"string","maxLength":10},"days":{"type":"integer","minimum":1,"maximum":7}},"required":["city","days"]}""";
        var timeSchema = """{"type":"object","properties":{"zone":{"enum":["UTC","CET"]}},"required":["zone"]}""";
        var schemas = new Dictionary<string, string> { ["get_weather"] = weatherSchema, ["get_time"] = timeSchema };
        var options = new GenerationOptions
        {
            MaxTokens = MaxTokens,
            Temperature = seed is null ? 0f : 1f,
            Seed = seed,
            Tools = [.. schemas.Select(s => new ToolDefinition(s.Key, "A tool.", JsonDocument.Parse(s.Value).RootElement))],
            AdditionalProperties = new Dictionary<string, object?> { [LlamaGrammarPropertyNames.ToolChoice] = "required" },
        };

        var result = await _generator.GenerateAsync("What is the weather in Paris?", options);

        Assert.Equal(FinishReason.ToolCalls, result.FinishReason);
        Assert.Equal(string.Empty, result.Text);
        Assert.InRange(result.Message.ToolCalls.Count, 1, LocalToolCallFormat.MaxParallelCalls);
        Assert.All(result.Message.ToolCalls, call =>
        {
            Assert.StartsWith("call_", call.Id, StringComparison.Ordinal);
            Assert.Empty(SchemaCheck.Errors(schemas[call.Name], call.ArgumentsJson));
        });
        Assert.Equal(result.Message.ToolCalls.Count, result.Message.ToolCalls.Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public async Task GenerateAsync_ToolChoiceNamesATool_OnlyThatToolCalledOnce()
    {
        var options = new GenerationOptions
        {
            MaxTokens = MaxTokens,
            Temperature = 1f,
            Seed = 3,
            AllowParallelToolCalls = false,
            Tools = [new ToolDefinition("a"), new ToolDefinition("b")],
            AdditionalProperties = new Dictionary<string, object?> { [LlamaGrammarPropertyNames.ToolChoice] = "b" },
        };

        var result = await _generator.GenerateAsync("Call b.", options);

        var call = Assert.Single(result.Message.ToolCalls);
        Assert.Equal("b", call.Name);
        using var arguments = JsonDocument.Parse(call.ArgumentsJson);
        Assert.Equal(JsonValueKind.Object, arguments.RootElement.ValueKind);
    }

    [Fact]
    public async Task GenerateAsync_ToolChoiceUnknownTool_Refused()
    {
        var options = new GenerationOptions
        {
            Tools = [new ToolDefinition("a")],
            AdditionalProperties = new Dictionary<string, object?> { [LlamaGrammarPropertyNames.ToolChoice] = "zzz" },
        };

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => _generator.GenerateAsync("x", options));

        Assert.Equal(LlamaGrammarPropertyNames.ToolChoice, ex.Parameter);
    }

    [Theory]
    [InlineData(21L)]
    [InlineData(22L)]
    public async Task GenerateAsync_ToolsAuto_EitherCallsOrAnswersNeverMalformedCalls(long seed)
    {
        var options = new GenerationOptions
        {
            MaxTokens = 30,
            Temperature = 1f,
            Seed = seed,
            Tools = [new ToolDefinition("lookup", "Look something up.", JsonDocument.Parse("""{"type":"object","properties":{"q":{"type":"string","maxLength":5}},"required":["q"]}""").RootElement)],
        };

        var result = await _generator.GenerateAsync("Hello", options);

        if (result.Message.ToolCalls.Count > 0)
        {
            Assert.Equal(FinishReason.ToolCalls, result.FinishReason);
            Assert.All(result.Message.ToolCalls, c => Assert.Equal("lookup", c.Name));
        }
        else
        {
            Assert.False(result.Text.TrimStart().StartsWith('{'), result.Text);
        }
    }

    [Fact]
    public void ToolCallFormat_ParseAndFormat_RoundTrip()
    {
        var text = LocalToolCallFormat.Format([new ToolCall("x", "f", """{"a":1}"""), new ToolCall("y", "g", "")]);

        Assert.True(LocalToolCallFormat.TryParse(" " + text + "\n", out var calls));
        Assert.Equal(["f", "g"], calls.Select(c => c.Name));
        Assert.Equal("""{"a":1}""", calls[0].ArgumentsJson);
        Assert.Equal("{}", calls[1].ArgumentsJson);
        Assert.False(LocalToolCallFormat.TryParse("""{"answer":1}""", out _));
        Assert.False(LocalToolCallFormat.TryParse("""{"tool_calls":[{"name":1}]}""", out _));
        Assert.False(LocalToolCallFormat.TryParse("plain", out _));
    }
}
