using Agents.Backends.Llama.Grammar;

namespace Agents.Backends.Llama.Tests.Grammar;

public sealed class GbnfGrammarTests
{
    [Fact]
    public void Parse_ValidGrammar_KeepsTextRootAndRules()
    {
        const string text = """
            # a comment
            root ::= greeting ( "," ws name )? "!"
            greeting ::= "hello" | "hi"   # trailing comment
            name ::= [A-Z] [a-z]{1,8} | "\u00e9t\xe9" | [^\x00-\x1F"\\]
            ws ::= [ \t]*
            other ::= (
              "a" |
              "b"
            )+ .
            """;
        var grammar = GbnfGrammar.Parse(text);

        Assert.Equal("root", grammar.Root);
        Assert.Equal(["root", "greeting", "name", "ws", "other"], grammar.RuleNames);
        Assert.Same(text, grammar.Text);
    }

    [Theory]
    [InlineData("root ::= \"a\"\nroot ::= \"b\"", 2, 1, "defined twice")]
    [InlineData("root ::= \"a\" missing", 1, 14, "undefined rule 'missing'")]
    [InlineData("root ::= \"abc", 1, 14, "unexpected end of input")]
    [InlineData("root ::= [a-", 1, 10, "unterminated character class")]
    [InlineData("root ::= \"a\" |", 1, 15, "empty alternative")]
    [InlineData("root ::= \"a\" |\nb ::= \"c\"", 2, 3, "expecting newline or end")]
    [InlineData("root = \"a\"", 1, 6, "expecting '::='")]
    [InlineData("root ::= \"\\q\"", 1, 11, "unknown escape")]
    [InlineData("root ::= \"\\x4\"", 1, 14, "expecting 2 hex digits")]
    [InlineData("root ::= [z-a]", 1, 11, "reversed")]
    [InlineData("root ::= []", 1, 10, "empty character class")]
    [InlineData("root ::= \"a\"{2001}", 1, 14, "over 2000")]
    [InlineData("root ::= \"a\"{5,2}", 1, 17, "below its minimum")]
    [InlineData("root ::= \"a\"{,3}", 1, 14, "expecting an integer")]
    [InlineData("root ::= * \"a\"", 1, 10, "expecting an item before '*'")]
    [InlineData("root ::= ( \"a\"", 1, 15, "expecting ')'")]
    [InlineData("root ::= \"a\" <token>", 1, 14, "expecting newline or end")]
    [InlineData("\n\n  root_x ::= \"a\"", 3, 7, "expecting '::='")]
    public void Parse_MalformedGrammar_ThrowsWithLineAndColumn(string text, int line, int column, string problem)
    {
        var ex = Assert.Throws<GbnfSyntaxException>(() => GbnfGrammar.Parse(text));

        Assert.Equal(line, ex.Line);
        Assert.Equal(column, ex.Column);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{line}:{column}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoRootRule_Throws()
    {
        var ex = Assert.Throws<GbnfSyntaxException>(() => GbnfGrammar.Parse("start ::= \"a\""));

        Assert.Contains("no root rule 'root'", ex.Message, StringComparison.Ordinal);
        Assert.Equal("start", GbnfGrammar.Parse("start ::= \"a\"", "start").Root);
    }

    [Theory]
    [InlineData("root ::= root \"a\" | \"b\"", "left recursion")]
    [InlineData("root ::= a\na ::= b? c\nb ::= \"x\"\nc ::= a \"y\" | \"z\"", "left recursion")]
    [InlineData("root ::= ( \"\" )*", "unbounded repetition")]
    [InlineData("root ::= x+\nx ::= \"a\"?", "unbounded repetition")]
    public void Parse_LeftRecursiveGrammar_Throws(string text, string problem)
    {
        var ex = Assert.Throws<GbnfSyntaxException>(() => GbnfGrammar.Parse(text));

        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.True(ex.Line > 0);
    }

    [Fact]
    public void Parse_RecursionBehindATerminal_Accepted()
    {
        var grammar = GbnfGrammar.Parse("root ::= \"(\" root? \")\" | x{0,3} \"y\"\nx ::= \"\"");

        Assert.Equal(2, grammar.RuleNames.Count);
    }

    [Fact]
    public void TryParse_ReportsErrorWithoutThrowing()
    {
        Assert.False(GbnfGrammar.TryParse("root ::= (", "root", out var grammar, out var error));
        Assert.Null(grammar);
        Assert.NotNull(error);
        Assert.True(GbnfGrammar.TryParse("root ::= \"a\"", "root", out grammar, out error));
        Assert.NotNull(grammar);
        Assert.Null(error);
    }
}
