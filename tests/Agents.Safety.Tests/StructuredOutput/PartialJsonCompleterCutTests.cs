using System.Text.Json;
using Agents.Safety.StructuredOutput;

namespace Agents.Safety.Tests.StructuredOutput;

/// <summary>Exact completions for JSON cut at awkward places, and malformed JSON that ends the scan.</summary>
public sealed class PartialJsonCompleterCutTests
{
    [Theory]
    // Empty arrays, also with whitespace inside, and what follows them.
    [InlineData("[[],1]", "[[],1]")]
    [InlineData("[  ]", "[  ]")]
    [InlineData("[\t]", "[\t]")]
    [InlineData("[\r\n]", "[\r\n]")]
    [InlineData("{\"a\":[ ],\"b\":2}", "{\"a\":[ ],\"b\":2}")]
    [InlineData("[1,]", "[1]")]
    [InlineData("[1, ]", "[1]")]
    // Empty objects, and an object closed right after a comma (malformed).
    [InlineData("[{},1]", "[{},1]")]
    [InlineData("[{ },1]", "[{ },1]")]
    [InlineData("[{\"a\":1,},2]", "[{\"a\":1}]")]
    // A closer that does not match the open container, or a missing comma, ends the scan.
    [InlineData("[1}", "[1]")]
    [InlineData("{\"a\":1]", "{\"a\":1}")]
    [InlineData("{\"a\":1 \"b\":2}", "{\"a\":1}")]
    [InlineData("[1 2]", "[1]")]
    [InlineData("{\"a\":}", "{}")]
    [InlineData("{\"a\" 1}", "{}")]
    // Strings cut mid-escape and mid-unicode-escape.
    [InlineData("{\"a\":\"x\\", "{\"a\":\"x\"}")]
    [InlineData("{\"a\":\"x\\\"", "{\"a\":\"x\\\"\"}")]
    [InlineData("{\"a\":\"x\\n", "{\"a\":\"x\\n\"}")]
    [InlineData("{\"a\":\"\\u00e9", "{\"a\":\"\\u00e9\"}")]
    [InlineData("{\"a\":\"\\u00e", "{\"a\":\"\"}")]
    [InlineData("{\"a\":\"\\u", "{\"a\":\"\"}")]
    [InlineData("{\"a\":\"\\u00e9b", "{\"a\":\"\\u00e9b\"}")]
    [InlineData("{\"a\":\"", "{\"a\":\"\"}")]
    // A raw control character in a string is malformed: the scan stops before that member.
    [InlineData("{\"a\":1,\"b\":\"x\ny\"}", "{\"a\":1}")]
    [InlineData("[\"ok\",\"x\ty\"]", "[\"ok\"]")]
    [InlineData("{\"a\nb\":1}", "{}")]
    // Numbers cut after '-', '.', 'e', a sign, and numbers that are whole.
    [InlineData("[-", "[]")]
    [InlineData("[-1", "[-1]")]
    [InlineData("[1.", "[]")]
    [InlineData("[1.5", "[1.5]")]
    [InlineData("[1e", "[]")]
    [InlineData("[1e-", "[]")]
    [InlineData("[1E+", "[]")]
    [InlineData("[1e-5", "[1e-5]")]
    [InlineData("[1e+5]", "[1e+5]")]
    [InlineData("[1E5,2]", "[1E5,2]")]
    [InlineData("[0", "[0]")]
    [InlineData("[0]", "[0]")]
    [InlineData("[0,-0.5]", "[0,-0.5]")]
    [InlineData("[10", "[10]")]
    [InlineData("[9", "[9]")]
    [InlineData("[190", "[190]")]
    // Malformed numbers: a leading zero, a bare sign, a dot or exponent without digits.
    [InlineData("[01", "[]")]
    [InlineData("[01]", "[]")]
    [InlineData("[-]", "[]")]
    [InlineData("[-,1]", "[]")]
    [InlineData("{\"a\":1.,\"b\":2}", "{}")]
    [InlineData("[1.]", "[]")]
    [InlineData("[1e]", "[]")]
    [InlineData("[1e,2]", "[]")]
    [InlineData("[1e+]", "[]")]
    [InlineData("[.5]", "[]")]
    // Literals cut mid-word, whole, or misspelt.
    [InlineData("[nu", "[]")]
    [InlineData("[null", "[null]")]
    [InlineData("[true,fa", "[true]")]
    [InlineData("[false", "[false]")]
    [InlineData("{\"a\":tru,\"b\":1}", "{}")]
    [InlineData("[abc1", "[]")]
    // Nested containers cut deep inside.
    [InlineData("{\"a\":{\"b\":[1,{\"c\":\"d", "{\"a\":{\"b\":[1,{\"c\":\"d\"}]}}")]
    [InlineData("[[[1,2],[3", "[[[1,2],[3]]]")]
    [InlineData("[[[1,2],[", "[[[1,2],[]]]")]
    [InlineData("{\"a\":{\"b\":{}},\"c\":[[]],", "{\"a\":{\"b\":{}},\"c\":[[]]}")]
    [InlineData("{\"a\":{\"b\":{}},\"c\":[[]],\"d", "{\"a\":{\"b\":{}},\"c\":[[]]}")]
    public void Complete_CutOrMalformedJson_GivesExactlyTheValidPrefix(string partial, string expected)
    {
        var completed = PartialJsonCompleter.Complete(partial);

        Assert.Equal(expected, completed);
        using var _ = JsonDocument.Parse(completed!);
    }

    [Fact]
    public void Complete_StringCutAfterAHighSurrogate_DropsTheLoneHalf()
    {
        Assert.Equal("{\"a\":\"x\"}", PartialJsonCompleter.Complete("{\"a\":\"x\uD83D"));
        Assert.Equal("{\"a\":\"\"}", PartialJsonCompleter.Complete("{\"a\":\"\uD83D"));
        Assert.Equal("{\"a\":\"x\uD83D\uDE00\"}", PartialJsonCompleter.Complete("{\"a\":\"x\uD83D\uDE00"));
    }

    [Fact]
    public void Complete_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => PartialJsonCompleter.Complete(null!));
    }
}
