using System.Text;
using Agents.Backends.Llama.Grammar;

namespace Agents.Backends.Llama.Tests.Grammar;

/// <summary>The managed grammar matcher on hand-written grammars over a small hand-written vocabulary.</summary>
public sealed class GrammarMatcherTests
{
    private const int End = 0;

    // Token ids are the indices: 0 is end of generation; the rest are text, raw bytes (halves of 'é' = C3 A9) and oddities.
    private static readonly byte[][] Pieces =
    [
        [],
        Encoding.UTF8.GetBytes("a"),
        Encoding.UTF8.GetBytes("b"),
        Encoding.UTF8.GetBytes("ab"),
        Encoding.UTF8.GetBytes("abab"),
        Encoding.UTF8.GetBytes("-"),
        Encoding.UTF8.GetBytes("é"),
        [0xC3],
        [0xA9],
        [0xA9, (byte)'a'],
        Encoding.UTF8.GetBytes("d"),
        Encoding.UTF8.GetBytes("\""),
        [0x80],
        Encoding.UTF8.GetBytes("日"),
        [0xE6],
        [0x97, 0xA5],
        [0x00, (byte)'a'],
        Encoding.UTF8.GetBytes("ba"),
    ];

    private static readonly GrammarVocabulary Vocabulary = GrammarVocabulary.FromPieces(Pieces, [End]);

    private static GrammarMatcher Matcher(string grammar) => new(GbnfGrammar.Parse(grammar).Compile(), Vocabulary);

    private static string[] Allowed(GrammarMatcher matcher)
    {
        var bits = matcher.AllowedTokens(out var count);
        var tokens = Enumerable.Range(0, Pieces.Length).Where(t => (bits[t >> 6] & (1UL << t)) != 0).ToArray();
        Assert.Equal(tokens.Length, count);
        return [.. tokens.Select(Name)];
    }

    private static string Name(int token) => token == End ? "<end>" : Convert.ToHexString(Pieces[token]);

    private static string[] Names(params string[] texts) => [.. texts.Select(t => t == "<end>" ? t : Convert.ToHexString(Encoding.UTF8.GetBytes(t)))];

    [Fact]
    public void AllowedTokens_EmptyLiteralAlternative_OffersBothTheEndAndTheContinuation()
    {
        var matcher = Matcher("root ::= \"a\" (\"\" | \"b\")");

        Assert.Equal(Names("a", "ab"), Allowed(matcher));
        matcher.Accept(1);

        Assert.True(matcher.CanEnd);
        Assert.Equal(Names("<end>", "b"), Allowed(matcher));
    }

    [Fact]
    public void AllowedTokens_NestedBoundedRepetition_CountsEveryLevel()
    {
        var matcher = Matcher("root ::= (\"ab\"{1,2} \"-\"){2}");

        Assert.Equal(Names("a", "ab", "abab"), Allowed(matcher));
        matcher.Accept(4);
        Assert.Equal(Names("-"), Allowed(matcher));
        matcher.Accept(5);
        Assert.False(matcher.CanEnd);
        matcher.Accept(3);
        Assert.Equal(Names("a", "ab", "-"), Allowed(matcher));
        matcher.Accept(5);

        Assert.True(matcher.CanEnd);
        Assert.Equal(Names("<end>"), Allowed(matcher));
    }

    [Fact]
    public void AllowedTokens_NegatedClass_RefusesListedCharactersAndAcceptsMultiByteOnes()
    {
        var matcher = Matcher("root ::= [^a-c\"]{1,3}");

        var allowed = Allowed(matcher);

        Assert.Contains(Name(10), allowed);
        Assert.Contains(Name(6), allowed);
        Assert.Contains(Name(13), allowed);
        Assert.Contains(Name(7), allowed);
        Assert.Contains(Name(14), allowed);
        Assert.DoesNotContain(Name(1), allowed);
        Assert.DoesNotContain(Name(11), allowed);
        Assert.DoesNotContain(Name(End), allowed);
    }

    [Fact]
    public void Accept_TokenSplittingACharacter_ContinuesWithItsSecondHalfOnly()
    {
        var matcher = Matcher("root ::= \"é\" \"a\"?");

        Assert.Equal([Name(6), Name(7)], Allowed(matcher));
        matcher.Accept(7);

        Assert.False(matcher.CanEnd);
        Assert.Equal([Name(8), Name(9)], Allowed(matcher));
        Assert.False(matcher.Allows(1));
        matcher.Accept(9);
        Assert.True(matcher.CanEnd);
        Assert.Equal(Names("<end>"), Allowed(matcher));
    }

    [Fact]
    public void AllowedTokens_PartialSequence_CheckedAgainstTheRangeItCouldComplete()
    {
        // C3 starts U+00C0..U+00FF: inside [\u00C0-\u00FF], outside [a-z] and outside [\u0100-\uFFFF].
        Assert.True(Matcher("root ::= [\\u00C0-\\u00FF]").Allows(7));
        Assert.False(Matcher("root ::= [a-z]").Allows(7));
        Assert.False(Matcher("root ::= [\\u0100-\\uFFFF]").Allows(7));
        Assert.True(Matcher("root ::= [\\u0100-\\uFFFF]").Allows(14));
    }

    [Fact]
    public void AllowedTokens_InvalidUtf8_RefusedEvenByAnyCharacter()
    {
        var matcher = Matcher("root ::= .+");

        var allowed = Allowed(matcher);

        Assert.DoesNotContain(Name(12), allowed);
        Assert.DoesNotContain(Name(8), allowed);
        Assert.DoesNotContain(Name(16), allowed);
        Assert.Contains(Name(7), allowed);
        Assert.Contains(Name(17), allowed);
    }

    [Fact]
    public void Accept_PartialTokenAtACompletePoint_NoLongerAllowsTheEnd()
    {
        // llama.cpp drops completed stacks on every accepted token, even one that only starts a character.
        var matcher = Matcher("root ::= \"a\" [^a]?");
        matcher.Accept(1);
        Assert.True(matcher.CanEnd);

        matcher.Accept(14);

        // Lone continuation bytes keep the character unfinished (still allowed); a byte that is not one is refused.
        Assert.False(matcher.CanEnd);
        Assert.Equal([Name(8), Name(12), Name(15)], Allowed(matcher));
        Assert.False(matcher.Allows(9));
        matcher.Accept(15);
        Assert.True(matcher.CanEnd);
    }

    [Fact]
    public void Accept_RefusedToken_Throws()
    {
        var matcher = Matcher("root ::= \"a\"");

        Assert.Throws<InvalidOperationException>(() => matcher.Accept(2));
        Assert.Throws<InvalidOperationException>(() => matcher.Accept(End));
        matcher.Accept(1);
        matcher.Accept(End);
    }

    [Fact]
    public void AllowedTokens_RecursiveRule_TracksNestingDepth()
    {
        var matcher = Matcher("root ::= \"a\" root \"b\" | \"d\"");

        matcher.Accept(1);
        matcher.Accept(1);
        matcher.Accept(10);

        Assert.Equal(Names("b"), Allowed(matcher));
        matcher.Accept(2);
        Assert.False(matcher.CanEnd);
        matcher.Accept(2);
        Assert.True(matcher.CanEnd);
    }

    [Fact]
    public void AllowedTokens_SameStateTwice_ComesFromTheCache()
    {
        var matcher = Matcher("root ::= (\"a\" | \"b\")*");

        Allowed(matcher);
        matcher.Accept(1);
        Allowed(matcher);
        matcher.Accept(2);
        Allowed(matcher);

        Assert.Equal(1, matcher.TrieWalks);
    }
}
