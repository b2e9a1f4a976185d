using System.Text.Json;
using Agents.Safety.StructuredOutput;
using Agents.Safety.Tests.StructuredOutput;

namespace Agents.Safety.Tests;

public partial class HostileInputTests
{
    private static GenerationRequest StructuredAsk() => new([Message.User("x")]);

    [Theory]
    [InlineData("""{"$ref":"#"}""")]
    [InlineData("""{"$defs":{"a":{"anyOf":[{"$ref":"#/$defs/b"}]},"b":{"allOf":[{"$ref":"#/$defs/a"}]}},"$ref":"#/$defs/a"}""")]
    public async Task StructuredOutput_SelfReferencingSchema_RefusedBeforeAnyCall(string schema)
    {
        var generator = ScriptedGenerator.Create(GeneratorCapabilities.JsonSchema, "{}");

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateJsonAsync(StructuredAsk(), JsonDocument.Parse(schema).RootElement));

        Assert.Contains("refers back to itself", ex.Message, StringComparison.Ordinal);
        Assert.Empty(generator.Requests);
    }

    [Fact]
    public async Task StructuredOutput_DeeplyNestedSchema_Refused()
    {
        var text = string.Concat(Enumerable.Repeat("""{"items":""", 500)) + "{}" + new string('}', 500);
        var schema = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 2000 }).RootElement;
        var generator = ScriptedGenerator.Create(GeneratorCapabilities.JsonSchema, "[]");

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateJsonAsync(StructuredAsk(), schema));

        Assert.Contains("nests more than", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StructuredOutput_RecursiveButProgressingSchema_Accepted()
    {
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#"}}}}""").RootElement;
        var generator = ScriptedGenerator.Create(GeneratorCapabilities.JsonSchema, """{"kids":[{"kids":[]}]}""");

        var json = await generator.GenerateJsonAsync(StructuredAsk(), schema);

        Assert.Equal(1, json.GetProperty("kids").GetArrayLength());
    }

    [Fact]
    public async Task StructuredOutput_AnswerNestedTenThousandDeep_RejectedNotCrashed()
    {
        var answer = new string('[', 10_000) + new string(']', 10_000);
        var generator = ScriptedGenerator.Create(GeneratorCapabilities.JsonSchema, answer);

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(
            () => generator.GenerateJsonAsync(StructuredAsk(), JsonDocument.Parse("{}").RootElement, new StructuredOutputOptions { MaxAttempts = 1 }));

        Assert.Contains("not JSON", ex.Violations[0], StringComparison.Ordinal);
        Assert.NotNull(PartialJsonCompleter.Complete(answer[..15_000]));
    }

    [Fact]
    public async Task StructuredOutput_HugeEnumSchema_Validates()
    {
        var values = string.Join(",", Enumerable.Range(0, 20_000).Select(i => $"\"v{i}\""));
        var schema = JsonDocument.Parse($$"""{"enum":[{{values}}]}""").RootElement;
        var generator = ScriptedGenerator.Create(GeneratorCapabilities.JsonSchema, "\"nope\"", "\"v19999\"");

        var json = await generator.GenerateJsonAsync(StructuredAsk(), schema);

        Assert.Equal("v19999", json.GetString());
    }

    [Theory]
    [InlineData("""{"type":"string","pattern":"(["}""")]
    [InlineData("""{"type":5}""")]
    public async Task StructuredOutput_InvalidSchema_TypedErrorNotCrash(string schema)
    {
        var generator = ScriptedGenerator.Create(GeneratorCapabilities.JsonSchema, "\"a\"");

        var ex = await Record.ExceptionAsync(() => generator.GenerateJsonAsync(StructuredAsk(), JsonDocument.Parse(schema).RootElement, new StructuredOutputOptions { MaxAttempts = 1 }));

        Assert.True(ex is ArgumentException or ValidationFailedException, ex?.ToString());
    }

    [Theory]
    [InlineData("""{"properties":{"a":{"$ref":"#/$defs/missing"}}}""")]
    [InlineData("""{"$ref":"file:///etc/passwd"}""")]
    public async Task StructuredOutput_UnresolvableReference_RefusedBeforeAnyCall(string schema)
    {
        var generator = ScriptedGenerator.Create(GeneratorCapabilities.JsonSchema, """{"a":1}""");

        await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateJsonAsync(StructuredAsk(), JsonDocument.Parse(schema).RootElement));

        Assert.Empty(generator.Requests);
    }
}
