using System.Globalization;
using System.Text.Json;
using Agents.Backends.Llama.Grammar;

namespace Agents.Backends.Llama.Tests.Grammar;

public sealed class JsonSchemaGrammarTests
{
    private static JsonElement Schema(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static string RuleBody(GbnfGrammar grammar, string name)
    {
        var line = grammar.Text.Split('\n').Single(l => l.StartsWith(name + " ::= ", StringComparison.Ordinal));
        return line[(name.Length + 5)..];
    }

    [Theory]
    [InlineData(-123, 4567)]
    [InlineData(0, 120)]
    [InlineData(1, 9999)]
    [InlineData(-50, 50)]
    [InlineData(-999, -7)]
    [InlineData(101, 1000)]
    [InlineData(5, 5)]
    [InlineData(-1, 0)]
    [InlineData(19, 2301)]
    public void IntegerRange_AdmitsExactlyTheIntegersInRange(long low, long high)
    {
        var regex = GbnfRegex.ToRegex(NumberGrammar.IntegerRange(low, high));

        for (var value = low - 150; value <= high + 150; value++)
        {
            Assert.Equal(value >= low && value <= high, regex.IsMatch(value.ToString(CultureInfo.InvariantCulture)));
        }

        Assert.DoesNotMatch(regex, "-0");
        Assert.DoesNotMatch(regex, "0" + high.ToString(CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("0", "1", false, false, new[] { "0", "1", "0.5", "0.999" }, new[] { "1.5", "-0.5", "2", "1.0", "00.5" })]
    [InlineData("-5.5", "10", true, true, new[] { "-5", "-4.75", "9", "9.99", "0", "-0.5" }, new[] { "10", "-6", "10.5", "-5.6" })]
    [InlineData("-1", "1", false, false, new[] { "-1", "-0.5", "0.25", "1" }, new[] { "-1.5", "1.01" })]
    public void Bounded_Number_StaysWithinTheBounds(string min, string max, bool exclusiveMin, bool exclusiveMax, string[] admitted, string[] refused)
    {
        var expression = NumberGrammar.Bounded(
            decimal.Parse(min, CultureInfo.InvariantCulture), exclusiveMin, decimal.Parse(max, CultureInfo.InvariantCulture), exclusiveMax, 15, 6, integerOnly: false);
        var regex = GbnfRegex.ToRegex(expression!);

        Assert.All(admitted, a => Assert.True(regex.IsMatch(a), a));
        Assert.All(refused, r => Assert.False(regex.IsMatch(r), r));
    }

    [Fact]
    public void Bounded_NoIntegerOrUnitInterval_ReturnsNull()
    {
        Assert.Null(NumberGrammar.Bounded(0.2m, false, 0.8m, false, 15, 6, integerOnly: false));
        Assert.Null(NumberGrammar.Bounded(3m, true, 4m, true, 15, 6, integerOnly: true));
    }

    [Fact]
    public void FromSchema_Object_RequiredAlwaysOptionalMaybeInDeclaredOrder()
    {
        var grammar = JsonSchemaGrammar.FromSchema(Schema("""
            {"type":"object","properties":{"a":{"type":"boolean"},"b":{"type":"null"},"c":{"type":"integer"}},"required":["b"]}
            """));

        var first = RuleBody(grammar, "root-first-0");
        Assert.Contains("|", first, StringComparison.Ordinal); // "a" may be left out...
        Assert.DoesNotContain("|", RuleBody(grammar, "root-first-1"), StringComparison.Ordinal); // ...but "b" may not
        Assert.Contains("\"\\\"a\\\"\"", grammar.Text, StringComparison.Ordinal);
        Assert.Contains("\"null\"", grammar.Text, StringComparison.Ordinal);
        Assert.StartsWith("\"{\" ws root-first-0 ws \"}\"", RuleBody(grammar, "root-2"), StringComparison.Ordinal);
    }

    [Fact]
    public void FromSchema_AllOptionalObject_MayBeEmpty()
    {
        var grammar = JsonSchemaGrammar.FromSchema(Schema("""{"properties":{"x":{"type":"string","maxLength":3}}}"""));

        Assert.Contains("(root-first-0 ws)?", grammar.Text, StringComparison.Ordinal);
        Assert.Contains("char{0,3}", grammar.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSchema_StringAndArrayBounds_ComeFromSchemaOrOptions()
    {
        var options = new JsonGrammarOptions { DefaultMaxStringLength = 7, DefaultMaxItems = 3 };
        var bounded = JsonSchemaGrammar.FromSchema(Schema("""{"type":"array","items":{"type":"string","minLength":2,"maxLength":5},"minItems":2,"maxItems":4}"""), options);
        var unbounded = JsonSchemaGrammar.FromSchema(Schema("""{"type":"array","items":{"type":"string"}}"""), options);

        Assert.Contains("char{2,5}", bounded.Text, StringComparison.Ordinal);
        Assert.Contains("){1,3}", bounded.Text, StringComparison.Ordinal);
        Assert.Contains("char{0,7}", unbounded.Text, StringComparison.Ordinal);
        Assert.Contains("){0,2}", unbounded.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSchema_EnumConstAndTypeList_BecomeAlternatives()
    {
        var grammar = JsonSchemaGrammar.FromSchema(Schema("""
            {"type":"object","properties":{"e":{"enum":["x",2,null]},"k":{"const":{"a":[1]}},"t":{"type":["integer","null"],"minimum":0,"maximum":3}},"required":["e","k","t"]}
            """));

        Assert.Contains("\"\\\"x\\\"\" | \"2\" | \"null\"", grammar.Text, StringComparison.Ordinal);
        Assert.Contains("\"{\\\"a\\\":[1]}\"", grammar.Text, StringComparison.Ordinal);
        Assert.Matches(@"root-t ::= root-t-integer \| ""null""", grammar.Text);
    }

    [Fact]
    public void FromSchema_DefsAndRecursiveRef_ShareOneRule()
    {
        var grammar = JsonSchemaGrammar.FromSchema(Schema("""
            {"$defs":{"node":{"type":"object","properties":{"v":{"type":"integer"},"next":{"anyOf":[{"$ref":"#/$defs/node"},{"type":"null"}]}},"required":["v"]}},
             "$ref":"#/$defs/node"}
            """));

        Assert.Single(grammar.RuleNames, n => n == "ref-defs-node");
        Assert.DoesNotContain("ref-defs-node-2", grammar.RuleNames);
        Assert.Contains("ref-defs-node | \"null\"", grammar.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSchema_Pattern_BecomesAnchoredExpression()
    {
        var grammar = JsonSchemaGrammar.FromSchema(Schema("""{"type":"string","pattern":"^[A-Z]{2}-\\d+$"}"""),
            new JsonGrammarOptions { DefaultMaxStringLength = 4 });

        Assert.Contains("[A-Z]{2,2} \"-\" [0-9]{1,5}", grammar.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"string","pattern":"a\"b"}""", "\"a\" \"\\\\\\\"\" \"b\"")]
    [InlineData("""{"type":"string","pattern":"[^a]"}""", "[^a\\x22\\x5C\\x00-\\x1F]")]
    public void FromSchema_PatternCharactersJsonEscapes_AreWrittenEscaped(string schema, string expected)
    {
        var grammar = JsonSchemaGrammar.FromSchema(Schema(schema));

        Assert.Contains(expected, grammar.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"string","format":"date"}""", "[0-9]{4}")]
    [InlineData("""{"type":"string","format":"uuid"}""", "[0-9a-f]{12}")]
    [InlineData("""{"type":"string","format":"email"}""", "char{0,256}")]
    public void FromSchema_Formats_KnownOnesConstrainedOthersPlain(string schema, string expected)
    {
        Assert.Contains(expected, JsonSchemaGrammar.FromSchema(Schema(schema)).Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"array","uniqueItems":true}""", "uniqueItems")]
    [InlineData("""{"not":{"type":"string"}}""", "not")]
    [InlineData("""{"type":"integer","multipleOf":3}""", "multipleOf")]
    [InlineData("""{"type":"object","patternProperties":{"^a":{}}}""", "patternProperties")]
    [InlineData("""{"if":{},"then":{}}""", "if")]
    [InlineData("""{"allOf":[{"type":"string"},{"maxLength":3}]}""", "allOf")]
    [InlineData("""{"type":"object","anyOf":[{}]}""", "implicit allOf")]
    [InlineData("""{"$ref":"https://example.com/s.json"}""", "only '#")]
    [InlineData("""{"$ref":"#/$defs/missing"}""", "points at nothing")]
    [InlineData("""{"type":"object","required":["ghost"]}""", "'ghost'")]
    [InlineData("""{"type":"strin"}""", "unknown type 'strin'")]
    [InlineData("""{"type":"string","minLength":5,"maxLength":2}""", "'minLength' is over 'maxLength'")]
    [InlineData("""{"type":"array","minItems":3,"maxItems":1}""", "'minItems' is over 'maxItems'")]
    [InlineData("""{"type":"number","minimum":0.2,"maximum":0.8}""", "narrower than one unit")]
    [InlineData("""{"type":"string","pattern":"(a)\\1"}""", "the escape '\\1'")]
    [InlineData("""{"type":"string","pattern":"(?=a)b"}""", "lookaround")]
    [InlineData("false", "admits no value")]
    public void FromSchema_UnsupportedConstruct_RefusedNamingIt(string schema, string named)
    {
        var ex = Assert.Throws<InvalidRequestException>(() => JsonSchemaGrammar.FromSchema(Schema(schema)));

        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
        Assert.Equal("ResponseFormat", ex.Parameter);
    }

    [Fact]
    public void FromSchema_AnnotationsAndFalseUniqueItems_Ignored()
    {
        var grammar = JsonSchemaGrammar.FromSchema(Schema("""
            {"$schema":"https://json-schema.org/draft/2020-12/schema","title":"T","description":"D","examples":[1],"type":"array","uniqueItems":false,"items":{"type":"boolean","default":true}}
            """));

        Assert.Contains("\"true\" | \"false\"", grammar.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void AnyJsonObject_IsBoundedAndParses()
    {
        var grammar = JsonSchemaGrammar.AnyJsonObject(new JsonGrammarOptions { MaxFreeFormDepth = 2 });

        Assert.Contains("value-1", grammar.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("value-2", grammar.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_OutOfRange_ThrowListingEveryBound()
    {
        var ex = Assert.Throws<ArgumentException>(() => JsonSchemaGrammar.AnyJson(new JsonGrammarOptions { DefaultMaxStringLength = 0, DefaultMaxItems = 5000 }));

        Assert.Contains("DefaultMaxStringLength", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DefaultMaxItems", ex.Message, StringComparison.Ordinal);
    }
}
