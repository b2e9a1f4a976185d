using Agents.Safety.Guards;

namespace Agents.Safety.Tests.Guards;

/// <summary>
/// The encoded-run scan on characters outside ASCII, U+0080 in particular (the first one past the character-class
/// table): they neither belong to a run nor count as the hex digit that lets a run continue over a space.
/// </summary>
public sealed class EncodedRunScanEdgeTests
{
    [Theory]
    [InlineData('\u0080')]
    [InlineData('\u00e9')]
    [InlineData('\uff21')] // fullwidth 'A'
    public void FindEncodedRuns_NonAsciiCharacter_EndsARun(char separator)
    {
        var text = new string('a', 24) + separator + new string('Q', 24);

        Assert.Equal([(0, 24), (25, 24)], Scan(text));
    }

    [Theory]
    [InlineData('\u0080')]
    [InlineData('\u00e9')]
    public void FindEncodedRuns_SpaceAtTheEndOfAWindowFollowedByNonAscii_IsNotAHexContinuation(char next)
    {
        var text = new string('a', 23) + " " + next + new string('b', 3);

        Assert.Empty(Scan(text));
    }

    [Theory]
    [InlineData('\u0080')]
    [InlineData('\u00e9')]
    public void FindEncodedRuns_SpacedHexRunFollowedBySpaceAndNonAscii_EndsAtTheSpace(char next)
    {
        // "ab ab … ab" (12 pairs, 35 characters), then a space and a character that is no hex digit.
        var text = string.Join(" ", Enumerable.Repeat("ab", 12)) + " " + next;

        Assert.Equal([(0, 35)], Scan(text));
    }

    private static List<(int Start, int Length)> Scan(string text)
    {
        var runs = new List<(int Start, int Length)>();
        PromptInjectionScorer.FindEncodedRuns(text, runs);
        return runs;
    }
}
