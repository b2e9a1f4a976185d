using Agents.Safety.Guards;

namespace Agents.Safety.Tests.Guards;

/// <summary>The sanitiser's edges: range bounds of each class, tag characters, lone surrogates and the pre-scan.</summary>
public sealed class InvisibleCharacterSanitizerEdgeTests
{
    private static string Tag(int code) => char.ConvertFromUtf32(0xE0000 + code);

    [Fact]
    public void Sanitize_EndsOfTheControlAndBidiRanges_AreRemovedAndCounted()
    {
        var result = InvisibleCharacterSanitizer.Sanitize("a\u007Fb\u009Fc\u202Ad\u2069e\u00A0f\u202Fg\u2065h");

        Assert.Equal("abcde\u00A0f\u202Fg\u2065h", result.Text);
        Assert.Equal(2, result.ControlCharacters);
        Assert.Equal(2, result.BidiCharacters);
        Assert.Equal(0, result.InvisibleCharacters);
    }

    [Fact]
    public void Sanitize_TabLineFeedAndCarriageReturn_AreKeptAfterARemovedCharacter()
    {
        var result = InvisibleCharacterSanitizer.Sanitize("\u200Ba\tb\nc\rd");

        Assert.Equal("a\tb\nc\rd", result.Text);
        Assert.Equal(0, result.ControlCharacters);
        Assert.Equal(1, result.InvisibleCharacters);
    }

    [Fact]
    public void Sanitize_BidiOnly_RemovedCountIsTheSumOfTheClasses()
    {
        var result = InvisibleCharacterSanitizer.Sanitize("x\u202Ey\u0000z\u200B");

        Assert.Equal("xyz", result.Text);
        Assert.Equal(3, result.RemovedCount);
        Assert.Equal(1, InvisibleCharacterSanitizer.Sanitize("a\u202Eb").RemovedCount);
    }

    [Fact]
    public void Sanitize_TagCharacters_CountAsInvisibleAndNonPrintableTagsReadAsSpaces()
    {
        var text = "a" + Tag(0x00) + Tag('h') + Tag('i') + Tag(0x01) + Tag(0x7F) + Tag(0x20) + "b";

        var result = InvisibleCharacterSanitizer.Sanitize(text);

        Assert.Equal("ab", result.Text);
        Assert.Equal(" hi   ", result.TagMessage);
        Assert.Equal(6, result.InvisibleCharacters);
        Assert.Equal(6, result.RemovedCount);
    }

    [Fact]
    public void Sanitize_FirstAndLastTagCharacters_AreRemovedOnTheirOwn()
    {
        Assert.Equal("ab", InvisibleCharacterSanitizer.Sanitize("a" + Tag(0x00) + "b").Text);
        Assert.Equal("ab", InvisibleCharacterSanitizer.Sanitize("a" + Tag(0x7F) + "b").Text);
    }

    [Theory]
    [InlineData("ok \U0001F44D")]
    [InlineData("\U0001F400 and \U0001F47F")]
    public void Sanitize_EmojiWhoseLowSurrogateLooksLikeATag_AreKept(string text)
    {
        var result = InvisibleCharacterSanitizer.Sanitize(text);

        Assert.Same(text, result.Text);
        Assert.Equal(string.Empty, result.TagMessage);
    }

    [Fact]
    public void Sanitize_EmojiAfterARemovedCharacter_IsKept()
    {
        var result = InvisibleCharacterSanitizer.Sanitize("\u200Bthumbs \U0001F44D \U0001F600");

        Assert.Equal("thumbs \U0001F44D \U0001F600", result.Text);
        Assert.Equal(1, result.InvisibleCharacters);
        Assert.Equal(string.Empty, result.TagMessage);
    }

    [Fact]
    public void Sanitize_LoneHighSurrogateAtTheEnd_IsKeptWithoutError()
    {
        const string clean = "ab\uD83D";

        Assert.Same(clean, InvisibleCharacterSanitizer.Sanitize(clean).Text);
        Assert.Equal("ab\uD83D", InvisibleCharacterSanitizer.Sanitize("\u200Bab\uD83D").Text);
    }

    [Theory]
    [InlineData("caf\u00E9\u200B", "caf\u00E9")]
    [InlineData("\u00E9\u00E9\u200B", "\u00E9\u00E9")]
    [InlineData("\u00E9 \u00E8\u00EA x\u202E", "\u00E9 \u00E8\u00EA x")]
    public void Sanitize_RemovableCharacterAfterKeptNonAscii_IsFound(string text, string expected)
    {
        var result = InvisibleCharacterSanitizer.Sanitize(text);

        Assert.Equal(expected, result.Text);
        Assert.Equal(1, result.RemovedCount);
    }
}
