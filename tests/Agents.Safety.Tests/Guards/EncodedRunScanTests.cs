using Agents.Safety.Guards;

namespace Agents.Safety.Tests.Guards;

/// <summary>
/// The encoded-run scan skips prose a window at a time; these tests compare it with the plain definition of a run,
/// read one character at a time, on texts built to sit on every boundary the skipping relies on.
/// </summary>
public sealed class EncodedRunScanTests
{
    private const int MinLength = 24;

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("aGVsbG8gd29ybGQgaGVsbG8gd29ybGQ=")]
    [InlineData("48 65 6c 6c 6f 20 77 6f 72 6c 64 21")]
    [InlineData("see 48 65 6c 6c 6f 20 77 6f 72 6c 64 21 zz")]
    [InlineData("ab ab ab ab ab ab ab Zzzzz")]
    [InlineData("ab ab ab ab ab ab ab ab a")]
    [InlineData("xyz cafe babe dead beef face fade 00 11 22 33")]
    [InlineData("a bad face added a decade ago, a cafe")]
    [InlineData("0123456789abcdef0123456789abcdef 0123456789abcdefg0123456789")]
    [InlineData("word word word word word word aGVsbG8gd29ybGQgaGVsbG8gd29ybGQ")]
    public void FindEncodedRuns_MatchesTheCharacterByCharacterDefinition(string text)
    {
        Assert.Equal(ReferenceRuns(text), Scan(text));
    }

    [Fact]
    public void FindEncodedRuns_OnRandomTextsOfRunCharactersAndSeparators_MatchesTheDefinition()
    {
        // Few letters, so hex and spaces cluster: every way a window can end (space before hex or not, a separator,
        // the end of the text) occurs many times.
        const string alphabet = "ab09f AZgz+/=-_ .,\n é";
        var random = new Random(1234);
        for (var n = 0; n < 4000; n++)
        {
            var chars = new char[random.Next(0, 120)];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = random.Next(4) == 0 ? alphabet[random.Next(alphabet.Length)] : alphabet[random.Next(5)];
            }

            var text = new string(chars);
            Assert.True(ReferenceRuns(text).SequenceEqual(Scan(text)), $"text: \"{text}\"");
        }
    }

    [Fact]
    public void FindEncodedRuns_RunEndingExactlyAtTheMinimumLength_IsFoundAndOneShorterIsNot()
    {
        var exact = new string('Q', MinLength);
        Assert.Equal([(4, MinLength)], Scan("xx, " + exact + " yy"));
        Assert.Empty(Scan("xx, " + exact[1..] + " yy"));
    }

    private static List<(int Start, int Length)> Scan(string text)
    {
        var runs = new List<(int Start, int Length)>();
        PromptInjectionScorer.FindEncodedRuns(text, runs);
        return runs;
    }

    /// <summary>A run: base64 characters, continued over a single space while it is all hex and a hex digit follows.</summary>
    private static List<(int Start, int Length)> ReferenceRuns(string text)
    {
        static bool IsBase64(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '-' or '_';
        var runs = new List<(int Start, int Length)>();
        var start = -1;
        var allHex = true;
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : '\0';
            if (IsBase64(c))
            {
                if (start < 0)
                {
                    start = i;
                    allHex = true;
                }

                allHex &= char.IsAsciiHexDigit(c);
                continue;
            }

            if (start < 0)
            {
                continue;
            }

            if (c == ' ' && allHex && i + 1 < text.Length && char.IsAsciiHexDigit(text[i + 1]))
            {
                continue;
            }

            if (i - start >= MinLength)
            {
                runs.Add((start, i - start));
            }

            start = -1;
        }

        return runs;
    }
}
