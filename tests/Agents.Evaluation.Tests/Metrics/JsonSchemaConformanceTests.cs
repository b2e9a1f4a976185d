namespace Agents.Evaluation.Tests.Metrics;

public sealed class JsonSchemaConformanceTests
{
    private const string Schema = """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0}},"required":["name","age"]}""";

    [Theory]
    [InlineData("""{"name":"Ada","age":36}""", true)]
    [InlineData("Here it is:\n```json\n{\"name\":\"Ada\",\"age\":36}\n```", true)]
    [InlineData("""{"name":"Ada"}""", false)]
    [InlineData("""{"name":"Ada","age":-1}""", false)]
    [InlineData("not json at all", false)]
    [InlineData("", false)]
    public void Conforms_Outputs_MatchSchema(string output, bool expected)
    {
        Assert.Equal(expected, new JsonSchemaConformance(Schema).Conforms(output));
    }

    [Fact]
    public void Rate_MixedOutputs_IsShareConforming()
    {
        var checker = new JsonSchemaConformance(Schema);

        Assert.Equal(0.5, checker.Rate(["""{"name":"a","age":1}""", "{}", """{"name":"b","age":2}""", null]));
    }

    [Fact]
    public void Constructor_InvalidSchema_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new JsonSchemaConformance("{not json"));
    }
}
