using System.Text.Json;
using Agents.Safety.StructuredOutput;

namespace Agents.Safety.Tests.StructuredOutput;

public sealed class PartialJsonCompleterTests
{
    [Theory]
    [InlineData("", null)]
    [InlineData("Sure, ", null)]
    [InlineData("{", "{}")]
    [InlineData("{\"na", "{}")]
    [InlineData("{\"name\"", "{}")]
    [InlineData("{\"name\":", "{}")]
    [InlineData("{\"name\": \"Ad", "{\"name\": \"Ad\"}")]
    [InlineData("{\"name\":\"Ada\",", "{\"name\":\"Ada\"}")]
    [InlineData("{\"name\":\"Ada\",\"age\":3", "{\"name\":\"Ada\",\"age\":3}")]
    [InlineData("{\"name\":\"Ada\",\"age\":3.", "{\"name\":\"Ada\"}")]
    [InlineData("{\"a\":tr", "{}")]
    [InlineData("{\"a\":true", "{\"a\":true}")]
    [InlineData("{\"a\":[1,2,", "{\"a\":[1,2]}")]
    [InlineData("{\"a\":[", "{\"a\":[]}")]
    [InlineData("{\"a\":[{\"b\":\"c\\", "{\"a\":[{\"b\":\"c\"}]}")]
    [InlineData("{\"a\":\"\\u00", "{\"a\":\"\"}")]
    [InlineData("```json\n[1, {\"x\": nul", "[1, {}]")]
    [InlineData("{\"a\":1} trailing", "{\"a\":1}")]
    [InlineData("[]", "[]")]
    public void Complete_Prefix_GivesTheMostCompleteValidJson(string partial, string? expected)
    {
        var completed = PartialJsonCompleter.Complete(partial);

        Assert.Equal(expected, completed);
        if (completed is not null)
        {
            using var _ = JsonDocument.Parse(completed);
        }
    }

    [Fact]
    public void Complete_EveryPrefixOfAnObject_IsValidJson()
    {
        const string full = """{"title":"Caf\u00e9 \"quoted\"","n":-12.5e3,"ok":false,"list":[null,{"k":[1,[2]]}],"e":{}}""";

        for (var i = 0; i <= full.Length; i++)
        {
            var completed = PartialJsonCompleter.Complete(full[..i]);
            if (completed is not null)
            {
                using var _ = JsonDocument.Parse(completed);
            }
        }

        Assert.Equal(full, PartialJsonCompleter.Complete(full));
    }
}
