using System.Text.Json;
using Agents.Safety.Validation;

namespace Agents.Safety.Tests.Validation;

/// <summary>Messages, fences and schema choice of <see cref="JsonSchemaOutputValidator"/>.</summary>
public sealed class JsonSchemaValidatorMutationTests
{
    private const string PersonSchema = """
        {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"]}
        """;

    private static ValidationContext Context(string text, GenerationRequest? request = null) =>
        new(text, request ?? GenerationRequest.FromPrompt("question"), null);

    private static async Task<string[]> Descriptions(JsonSchemaOutputValidator validator, string text, GenerationRequest? request = null) =>
        [.. (await validator.ValidateAsync(Context(text, request))).Select(v => v.Description)];

    [Fact]
    public async Task ExplicitSchema_WinsOverTheRequestSchema()
    {
        using var arraySchema = JsonDocument.Parse("""{"type":"array"}""");
        var request = GenerationRequest.FromPrompt("q", new GenerationOptions { ResponseFormat = ResponseFormat.ForJsonSchema(arraySchema.RootElement.Clone()) });

        Assert.Empty(await JsonSchemaOutputValidator.FromText(PersonSchema).ValidateAsync(Context("""{"name":"A","age":1}""", request)));
    }

    [Fact]
    public async Task InvalidJson_GivesOneBasedLineAndByte()
    {
        Assert.Equal(["the answer is not valid JSON (line 1, byte 2)"], await Descriptions(JsonSchemaOutputValidator.FromText(PersonSchema), "{]"));
    }

    [Theory]
    [InlineData("```json\n{]\n```")]
    [InlineData("```\n{]\n```")]
    public async Task InvalidJsonInAFence_CountsLinesFromTheLineAfterTheOpeningFence(string answer)
    {
        Assert.Equal(["the answer is not valid JSON (line 1, byte 2)"], await Descriptions(JsonSchemaOutputValidator.FromText(PersonSchema), answer));
    }

    [Fact]
    public async Task OpeningFenceWithoutClosingFence_IsNotStripped()
    {
        var validator = JsonSchemaOutputValidator.FromRequest();

        Assert.Equal("invalid-json", Assert.Single(await validator.ValidateAsync(Context("```\n{}\nabc"))).Code);
        Assert.Empty(await validator.ValidateAsync(Context("```\n{}\n```")));
    }

    [Fact]
    public async Task RootError_IsReportedAtSlash()
    {
        Assert.Equal(["at '/' (required): Required properties [\"age\"] are not present"],
            await Descriptions(JsonSchemaOutputValidator.FromText(PersonSchema), """{"name":"A"}"""));
    }

    [Fact]
    public async Task FalseSchema_IsReportedAtTheRoot()
    {
        Assert.Equal(["at '/' (): All values fail against the false schema"],
            await Descriptions(JsonSchemaOutputValidator.FromText("false"), "{}"));
    }

    [Fact]
    public async Task RootErrors_ComeBeforeNestedOnes()
    {
        var descriptions = await Descriptions(JsonSchemaOutputValidator.FromText(PersonSchema), """{"name":1}""");

        Assert.Equal(2, descriptions.Length);
        Assert.StartsWith("at '/' (required)", descriptions[0], StringComparison.Ordinal);
        Assert.StartsWith("at '/name' (type)", descriptions[1], StringComparison.Ordinal);
    }
}
