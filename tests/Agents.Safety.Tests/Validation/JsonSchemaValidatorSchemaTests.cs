using System.Text.Json;
using Agents.Safety.Validation;
using Json.Schema;

namespace Agents.Safety.Tests.Validation;

/// <summary>How <see cref="JsonSchemaOutputValidator"/> builds the schemas it is given: typed errors, nothing kept.</summary>
public sealed class JsonSchemaValidatorSchemaTests
{
    private static ValidationContext Answer(string text, string? requestSchema = null) => new(
        text,
        GenerationRequest.FromPrompt("q", requestSchema is null ? null : new GenerationOptions
        {
            ResponseFormat = ResponseFormat.ForJsonSchema(JsonDocument.Parse(requestSchema).RootElement.Clone()),
        }));

    [Theory]
    [InlineData("""{"$ref":"#"}""", "refers back to itself")]
    [InlineData("""{"$defs":{"a":{"allOf":[{"$ref":"#/$defs/b"}]},"b":{"anyOf":[{"$ref":"#/$defs/a"}]}},"$ref":"#/$defs/a"}""", "refers back to itself")]
    [InlineData("""{"properties":{"a":{"$ref":"#/$defs/missing"}}}""", "'#/$defs/missing' does not resolve")]
    [InlineData("""{"$ref":"https://example.com/other.json"}""", "refers to another document")]
    [InlineData("""{"type":5}""", "not a valid JSON Schema")]
    [InlineData("""{"type":""", "not a valid JSON Schema")]
    public void FromText_UnusableSchema_ArgumentExceptionNamingTheArgument(string schema, string reason)
    {
        var ex = Assert.Throws<ArgumentException>(() => JsonSchemaOutputValidator.FromText(schema));

        Assert.Equal("schemaJson", ex.ParamName);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"$ref":"#"}""")]
    [InlineData("""{"$ref":"#/$defs/missing"}""")]
    public async Task FromRequest_UnusableRequestSchema_InvalidRequestNamingResponseFormat(string schema)
    {
        var validator = JsonSchemaOutputValidator.FromRequest();

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => validator.ValidateAsync(Answer("{}", schema)).AsTask());

        Assert.Equal(nameof(GenerationOptions.ResponseFormat), ex.Parameter);
        Assert.StartsWith("The request's response-format schema is invalid: ", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.InnerException);
    }

    [Fact]
    public async Task Validate_UnresolvableReferenceUnderANestedId_InvalidRequest()
    {
        var validator = JsonSchemaOutputValidator.FromText(
            """{"$defs":{"inner":{"$id":"https://example.com/inner","$ref":"#/$defs/missing"}},"$ref":"https://example.com/inner"}""");

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => validator.ValidateAsync(Answer("1")).AsTask());

        Assert.Equal("schema", ex.Parameter);
    }

    [Fact]
    public async Task FromRequest_SchemasAreNotKeptInTheProcessWideRegistry()
    {
        // JsonSchema.Net's default registry keeps every schema built against it: one per request would leak.
        var id = new Uri($"https://example.com/agents-tests/{Guid.NewGuid():N}");
        var schema = $$"""{"$id":"{{id}}","type":"string"}""";

        var fromRequest = await JsonSchemaOutputValidator.FromRequest().ValidateAsync(Answer("5", schema));
        var fromText = await JsonSchemaOutputValidator.FromText(schema).ValidateAsync(Answer("\"ok\""));

        Assert.Single(fromRequest);
        Assert.Empty(fromText);
        Assert.Null(SchemaRegistry.Global.Get(id));
    }
}
