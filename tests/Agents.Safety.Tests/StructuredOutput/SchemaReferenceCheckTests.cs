using System.Text.Json;
using Agents.Safety.StructuredOutput;

namespace Agents.Safety.Tests.StructuredOutput;

public sealed class SchemaReferenceCheckTests
{
    private static SchemaValidator Validator(string schema) => new(JsonDocument.Parse(schema).RootElement, validateFormats: true);

    [Theory]
    [InlineData("""{"properties":{"a":{"$ref":"#/$defs/missing"}}}""", "#/$defs/missing")]
    [InlineData("""{"$defs":{"x":{}},"not":{"$ref":"#/$defs/y"}}""", "#/$defs/y")]
    [InlineData("""{"prefixItems":[{"$ref":"#/prefixItems/3"}]}""", "#/prefixItems/3")]
    [InlineData("""{"anyOf":[{"$ref":"#/anyOf/-1"}]}""", "#/anyOf/-1")]
    [InlineData("""{"$defs":{"x":{"$anchor":"here"}},"$ref":"#there"}""", "#there")]
    public void Construction_PointerOrAnchorToNothing_RefusedNamingTheReference(string schema, string reference)
    {
        var ex = Assert.Throws<ArgumentException>(() => Validator(schema));

        Assert.Contains($"'{reference}' does not resolve", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Construction_ReferenceToAnotherDocument_Refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => Validator("""{"$ref":"https://example.com/other.json"}"""));

        Assert.Contains("refers to another document", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"$defs":{"s":{"type":"string"}},"$ref":"#/$defs/s"}""")]
    [InlineData("""{"$defs":{"a b":{"type":"string"}},"$ref":"#/$defs/a%20b"}""")]
    [InlineData("""{"$defs":{"a/b":{"type":"string"}},"$ref":"#/$defs/a~1b"}""")]
    [InlineData("""{"anyOf":[{"type":"string"},{"$ref":"#/anyOf/0"}]}""")]
    [InlineData("""{"$defs":{"x":{"$anchor":"str","type":"string"}},"$ref":"#str"}""")]
    [InlineData("""{"$id":"https://example.com/root","$defs":{"s":{"type":"string"}},"$ref":"https://example.com/root#/$defs/s"}""")]
    public void Construction_ResolvableReference_AcceptedAndUsed(string schema)
    {
        var validator = Validator(schema);

        Assert.Empty(validator.Check("\"text\"", out _));
        Assert.NotEmpty(validator.Check("5", out _));
    }

    [Theory]
    [InlineData("""{"enum":[{"$ref":"#/nowhere"}]}""")]
    [InlineData("""{"const":{"$ref":"https://example.com/x"}}""")]
    [InlineData("""{"default":{"$ref":"#nothing"},"examples":[{"$ref":"#/x"}]}""")]
    [InlineData("""{"x-note":{"$ref":"#/nowhere"},"properties":{"$ref":{"type":"string"}}}""")]
    public void Construction_ReferenceShapedData_IsNotAReference(string schema)
    {
        var validator = Validator(schema);

        Assert.NotNull(validator);
    }

    [Fact]
    public void Check_UnresolvableReferenceUnderANestedId_TypedErrorNamingTheSchema()
    {
        // A nested "$id" changes the base a reference resolves against, so only evaluation can tell.
        var validator = Validator("""{"$defs":{"inner":{"$id":"https://example.com/inner","$ref":"#/$defs/missing"}},"$ref":"https://example.com/inner"}""");

        var ex = Assert.Throws<InvalidRequestException>(() => validator.Check("1", out _));

        Assert.Equal("schema", ex.Parameter);
        Assert.Contains("does not resolve", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ResolvableReferenceUnderANestedId_Validates()
    {
        var validator = Validator("""{"$defs":{"inner":{"$id":"https://example.com/inner","$defs":{"n":{"type":"number"}},"$ref":"#/$defs/n"}},"$ref":"https://example.com/inner"}""");

        Assert.Empty(validator.Check("1", out _));
        Assert.NotEmpty(validator.Check("\"x\"", out _));
    }

    [Theory]
    [InlineData("items")]
    [InlineData("additionalItems")]
    [InlineData("additionalProperties")]
    [InlineData("contains")]
    [InlineData("propertyNames")]
    [InlineData("unevaluatedProperties")]
    [InlineData("unevaluatedItems")]
    [InlineData("not")]
    [InlineData("if")]
    [InlineData("then")]
    [InlineData("else")]
    public void Construction_MissingReferenceUnderASchemaKeyword_Refused(string keyword)
    {
        var ex = Assert.Throws<ArgumentException>(() => Validator($$$"""{"{{{keyword}}}":{"$ref":"#/$defs/gone"}}"""));

        Assert.Contains("does not resolve", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("properties")]
    [InlineData("patternProperties")]
    [InlineData("$defs")]
    [InlineData("definitions")]
    [InlineData("dependentSchemas")]
    public void Construction_MissingReferenceUnderASchemaMap_Refused(string keyword)
    {
        var ex = Assert.Throws<ArgumentException>(() => Validator($$$$"""{"{{{{keyword}}}}":{"k":{"$ref":"#/$defs/gone"}}}"""));

        Assert.Contains("does not resolve", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("allOf")]
    [InlineData("anyOf")]
    [InlineData("oneOf")]
    [InlineData("prefixItems")]
    public void Construction_MissingReferenceInASchemaList_Refused(string keyword)
    {
        var ex = Assert.Throws<ArgumentException>(() => Validator($$"""{"{{keyword}}":[{},{"$ref":"#/$defs/gone"}]}"""));

        Assert.Contains("does not resolve", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Construction_RootIdWithAPointerToNothing_StillRefused()
    {
        // A "$id" on the root only names the document; pointers still resolve against it.
        var ex = Assert.Throws<ArgumentException>(() => Validator("""{"$id":"https://example.com/root","$ref":"#/$defs/missing"}"""));

        Assert.Contains("does not resolve", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"allOf":[{"$id":"https://example.com/inner","$defs":{"n":{"type":"number"}},"$ref":"#/$defs/n"}]}""")]
    [InlineData("""{"$defs":{"a":{"$id":"https://example.com/a","$defs":{"n":{"type":"number"}},"$ref":"#/$defs/n"},"b":{"$id":"https://example.com/b","$defs":{"n":{"type":"number"}},"$ref":"#/$defs/n"}},"anyOf":[{"$ref":"https://example.com/a"},{"$ref":"https://example.com/b"}]}""")]
    public void Construction_PointersRelativeToNestedIds_AcceptedAndUsed(string schema)
    {
        var validator = Validator(schema);

        Assert.Empty(validator.Check("1", out _));
        Assert.NotEmpty(validator.Check("\"x\"", out _));
    }
}
