using System.Text.Json;
using Agents.Safety.StructuredOutput;

namespace Agents.Safety.Tests.StructuredOutput;

public sealed class SchemaValidatorTests
{
    private static SchemaValidator Validator(string schema, bool validateFormats = true) =>
        new(JsonDocument.Parse(schema).RootElement, validateFormats);

    [Theory]
    [InlineData("""{"type":"object"}""", "5", "(root): Value is \"integer\" but should be \"object\" (type)")]
    [InlineData("""{"properties":{"a":{"type":"string"}}}""", """{"a":5}""", "/a: Value is \"integer\" but should be \"string\" (type)")]
    [InlineData("""{"items":{"minimum":0}}""", "[1,-2]", "/1: -2 should be at least 0 (minimum)")]
    [InlineData("""{"oneOf":[{"type":"integer"},{"type":"number","minimum":0}]}""", "5", "(root): the value matches 2 branches of oneOf; exactly one must match (oneOf)")]
    [InlineData("""{"properties":{"n":{"oneOf":[{},{},{}]}}}""", """{"n":1}""", "/n: the value matches 3 branches of oneOf; exactly one must match (oneOf)")]
    [InlineData("""{"type":"string","format":"email"}""", "\"nope\"", "(root): Value does not match format \"email\" (format)")]
    public void Check_InvalidValue_OneErrorWithItsLocation(string schema, string answer, string error)
    {
        var errors = Validator(schema).Check(answer, out _);

        Assert.Equal([error], errors);
    }

    [Fact]
    public void Check_FailureWithoutAnyMessage_SaysTheValueDoesNotConform()
    {
        var errors = Validator("""{"not":{}}""").Check("5", out var value);

        Assert.Equal(["the value does not conform to the schema"], errors);
        Assert.Equal(5, value.GetInt32());
    }

    [Fact]
    public void Check_OneOfWithASingleMatchingBranch_IsNotReportedAsAmbiguous()
    {
        // The root fails (through its property) without a message of its own, and its oneOf has exactly one match.
        var errors = Validator("""{"properties":{"a":{"type":"string"}},"oneOf":[{"required":["a"]}]}""").Check("""{"a":5}""", out _);

        Assert.Equal(["/a: Value is \"integer\" but should be \"string\" (type)"], errors);
    }

    [Fact]
    public void Check_OneOfMatchingTwiceBesideAnotherError_BothReported()
    {
        var errors = Validator("""{"type":"object","oneOf":[{},{"minimum":0}]}""").Check("5", out _);

        Assert.Equal(
            [
                "(root): Value is \"integer\" but should be \"object\" (type)",
                "(root): the value matches 2 branches of oneOf; exactly one must match (oneOf)",
            ],
            errors);
    }

    [Fact]
    public void Check_ValidValue_NoErrorsAndTheValue()
    {
        var errors = Validator("""{"type":"object","required":["a"]}""").Check("""Here you go: {"a":[1,2]} hope it helps""", out var value);

        Assert.Empty(errors);
        Assert.Equal("""{"a":[1,2]}""", value.GetRawText());
    }

    [Fact]
    public void Check_FormatsNotValidated_WhenTurnedOff()
    {
        Assert.Empty(Validator("""{"type":"string","format":"email"}""", validateFormats: false).Check("\"nope\"", out _));
    }

    [Fact]
    public void Check_Draft07DefinitionsAndExtensionKeywords_Accepted()
    {
        var validator = Validator("""{"x-note":"kept","definitions":{"age":{"type":"integer"}},"properties":{"age":{"$ref":"#/definitions/age"}}}""");

        Assert.Empty(validator.Check("""{"age":3}""", out _));
        Assert.Equal(["/age: Value is \"string\" but should be \"integer\" (type)"], validator.Check("""{"age":"3"}""", out _));
    }

    [Fact]
    public void Check_SchemasSharingAnId_DoNotSeeEachOther()
    {
        // Each validator builds its schema in its own registry: a second schema with the same $id is not confused with the first.
        var strings = Validator("""{"$id":"https://example.com/shared","type":"string"}""");
        var integers = Validator("""{"$id":"https://example.com/shared","type":"integer"}""");

        Assert.Empty(strings.Check("\"a\"", out _));
        Assert.Empty(integers.Check("1", out _));
        Assert.Equal(["(root): Value is \"integer\" but should be \"string\" (type)"], strings.Check("1", out _));
        Assert.Equal(["(root): Value is \"string\" but should be \"integer\" (type)"], integers.Check("\"a\"", out _));
    }

    [Theory]
    [InlineData("", "the answer is empty, not JSON")]
    [InlineData("  \n\t ", "the answer is empty, not JSON")]
    [InlineData("hello", "the answer is not JSON: 'hello'")]
    [InlineData("  hello  ", "the answer is not JSON: 'hello'")]
    [InlineData("x {\"a\":1,}", "the answer is not JSON: 'x {\"a\":1,}'")]
    [InlineData("{\"a\":1", "the answer is not JSON: '{\"a\":1'")]
    [InlineData("[1,2,]", "the answer is not JSON: '[1,2,]'")]
    [InlineData("{\"a\":1 /* c */}", "the answer is not JSON: '{\"a\":1 /* c */}'")]
    public void Check_NotJson_ExplainsWithAnExcerpt(string answer, string error)
    {
        Assert.Equal([error], Validator("{}").Check(answer, out _));
    }

    [Fact]
    public void Check_LongNonJsonAnswer_ExcerptCutAfterEightyCharacters()
    {
        var eighty = new string('a', 79) + "z";
        var validator = Validator("{}");

        Assert.Equal([$"the answer is not JSON: '{eighty}'"], validator.Check(eighty, out _));
        Assert.Equal([$"the answer is not JSON: '{eighty}…'"], validator.Check(eighty + "b", out _));
        Assert.Equal([$"the answer is not JSON: '{eighty}…'"], validator.Check(eighty + "bcdef", out _));
    }

    [Theory]
    [InlineData("```json\n{\"a\":1}\n```", """{"a":1}""")]
    [InlineData("Sure! [1, 2] is the list.", "[1,2]")]
    [InlineData("x {\"a\":1} {\"b\":2}", """{"a":1}""")]
    [InlineData("  \"text\"  ", "\"text\"")]
    [InlineData("42", "42")]
    [InlineData("note: {\"a\":{\"b\":[]}}", """{"a":{"b":[]}}""")]
    public void Check_JsonInsideText_TheFirstValueIsExtracted(string answer, string json)
    {
        var errors = Validator("{}").Check(answer, out var value);

        Assert.Empty(errors);
        Assert.Equal(json, JsonSerializer.Serialize(value));
    }
}
