using System.Text;
using System.Text.Json;
using Agents.Safety.StructuredOutput;

namespace Agents.Safety.Tests.StructuredOutput;

public sealed class SchemaCycleCheckTests
{
    private static JsonElement Parse(string json) =>
        JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 1000 }).RootElement.Clone();

    private static void Check(string schema) => SchemaCycleCheck.ThrowIfUnsafe(Parse(schema));

    private static string CycleMessage(string pointer) =>
        $"The JSON schema's '$ref' '{pointer}' refers back to itself without describing any part of the value.";

    [Theory]
    [InlineData("""{"not":{"$ref":"#"}}""", "#")]
    [InlineData("""{"if":{"$ref":"#"}}""", "#")]
    [InlineData("""{"then":{"$ref":"#"}}""", "#")]
    [InlineData("""{"else":{"$ref":"#"}}""", "#")]
    [InlineData("""{"allOf":[{"type":"string"},{"$ref":"#"}]}""", "#")]
    [InlineData("""{"anyOf":[{"$ref":"#"}]}""", "#")]
    [InlineData("""{"oneOf":[{"$ref":"#"}]}""", "#")]
    [InlineData("""{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"not":{"$ref":"#/$defs/a"}}},"$ref":"#/$defs/a"}""", "#/$defs/a")]
    public void ThrowIfUnsafe_RefCycleThroughInPlaceKeywords_NamesTheRef(string schema, string reference)
    {
        var ex = Assert.Throws<ArgumentException>(() => Check(schema));

        Assert.Equal(CycleMessage(reference), ex.Message);
    }

    [Theory]
    [InlineData("properties")]
    [InlineData("$defs")]
    [InlineData("definitions")]
    [InlineData("patternProperties")]
    [InlineData("dependentSchemas")]
    public void ThrowIfUnsafe_CycleInsideAMapOfSubschemas_Found(string keyword)
    {
        var ex = Assert.Throws<ArgumentException>(() => Check("""{"type":"object","KW":{"ok":{},"a":{"$ref":"#/KW/a"}}}""".Replace("KW", keyword, StringComparison.Ordinal)));

        Assert.Equal(CycleMessage($"#/{keyword}/a"), ex.Message);
    }

    [Theory]
    [InlineData("prefixItems")]
    [InlineData("allOf")]
    [InlineData("anyOf")]
    [InlineData("oneOf")]
    public void ThrowIfUnsafe_CycleInsideAnArrayOfSubschemas_Found(string keyword)
    {
        var ex = Assert.Throws<ArgumentException>(
            () => Check("""{"KW":[{},{"properties":{"a":{"$ref":"#/KW/1/properties/a"}}}]}""".Replace("KW", keyword, StringComparison.Ordinal)));

        Assert.Equal(CycleMessage($"#/{keyword}/1/properties/a"), ex.Message);
    }

    [Theory]
    [InlineData("items")]
    [InlineData("additionalProperties")]
    [InlineData("contains")]
    [InlineData("propertyNames")]
    [InlineData("unevaluatedProperties")]
    [InlineData("unevaluatedItems")]
    public void ThrowIfUnsafe_CycleInsideASingleSubschema_Found(string keyword)
    {
        var ex = Assert.Throws<ArgumentException>(() => Check("""{"KW":{"not":{"$ref":"#/KW"}}}""".Replace("KW", keyword, StringComparison.Ordinal)));

        Assert.Equal(CycleMessage($"#/{keyword}"), ex.Message);
    }

    [Fact]
    public void ThrowIfUnsafe_RefToAnArrayItemThatRefersToItself_Found()
    {
        var ex = Assert.Throws<ArgumentException>(() => Check("""{"prefixItems":[{"$ref":"#/prefixItems/0"}]}"""));

        Assert.Equal(CycleMessage("#/prefixItems/0"), ex.Message);
    }

    [Theory]
    // Values that are data, not subschemas, are not walked.
    [InlineData("""{"enum":[{"$ref":"#/enum/0"}]}""")]
    [InlineData("""{"examples":[{"$ref":"#/examples/0"}]}""")]
    [InlineData("""{"const":{"$ref":"#/const"}}""")]
    [InlineData("""{"required":["a"],"type":["object","null"]}""")]
    // A keyword holding the wrong kind of JSON is left to the schema builder.
    [InlineData("""{"allOf":{"$ref":"#"}}""")]
    [InlineData("""{"anyOf":{"$ref":"#"}}""")]
    [InlineData("""{"properties":[{"$ref":"#/properties/0"}]}""")]
    [InlineData("""{"$defs":"x"}""")]
    [InlineData("""{"prefixItems":{"a":{"$ref":"#/prefixItems/a"}}}""")]
    [InlineData("""{"oneOf":{"a":{"$ref":"#/oneOf/a"}}}""")]
    // Pointers that do not resolve (past the end, negative, not a number, into a scalar, not a pointer).
    [InlineData("""{"prefixItems":[{"$ref":"#/prefixItems/1"}]}""")]
    [InlineData("""{"prefixItems":[{"$ref":"#/prefixItems/-1"}]}""")]
    [InlineData("""{"prefixItems":[{"$ref":"#/prefixItems/x"}]}""")]
    [InlineData("""{"minimum":1,"not":{"$ref":"#/minimum/0"}}""")]
    [InlineData("""{"$defs":{"a":{"$ref":"#a"}}}""")]
    [InlineData("""{"$defs":{"a":{"$ref":"other.json"}}}""")]
    // Recursion that descends into the value.
    [InlineData("""{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#"}}}}""")]
    [InlineData("""{"$defs":{"node":{"properties":{"next":{"$ref":"#/$defs/node"}}}},"$ref":"#/$defs/node"}""")]
    public void ThrowIfUnsafe_NoInPlaceCycle_Accepted(string schema)
    {
        Assert.Null(Record.Exception(() => Check(schema)));
    }

    [Fact]
    public void ThrowIfUnsafe_NestedExactlyMaxDepth_AcceptedOneMoreRefused()
    {
        Assert.Null(Record.Exception(() => Check(Nested(SchemaCycleCheck.MaxDepth))));

        var ex = Assert.Throws<ArgumentException>(() => Check(Nested(SchemaCycleCheck.MaxDepth + 1)));
        Assert.Equal("The JSON schema nests more than 64 levels deep.", ex.Message);
    }

    [Fact]
    public void ThrowIfUnsafe_HundredThousandSubschemas_AcceptedOneMoreRefused()
    {
        // The root plus 99,999 properties is 100,000 subschemas to check: the limit.
        Assert.Null(Record.Exception(() => Check(Wide(99_999))));

        var ex = Assert.Throws<ArgumentException>(() => Check(Wide(100_000)));
        Assert.Equal("The JSON schema is too large to check.", ex.Message);
    }

    private static string Nested(int levels) =>
        string.Concat(Enumerable.Repeat("""{"items":""", levels)) + "{}" + new string('}', levels);

    private static string Wide(int properties)
    {
        var text = new StringBuilder("""{"properties":{""");
        for (var i = 0; i < properties; i++)
        {
            text.Append(i == 0 ? "" : ",").Append("\"p").Append(i).Append("\":{}");
        }

        return text.Append("}}").ToString();
    }
}
