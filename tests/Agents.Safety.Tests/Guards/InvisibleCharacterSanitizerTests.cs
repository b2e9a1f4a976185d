using Agents.Safety.Guards;

namespace Agents.Safety.Tests.Guards;

public sealed class InvisibleCharacterSanitizerTests
{
    [Fact]
    public void Sanitize_CleanText_ReturnsTheSameInstance()
    {
        const string text = "Plain text with tabs\tand\nnew lines, café.";

        var result = InvisibleCharacterSanitizer.Sanitize(text);

        Assert.Same(text, result.Text);
        Assert.Equal(0, result.RemovedCount);
    }

    [Fact]
    public void Sanitize_ControlZeroWidthAndBidi_RemovesAndCountsEach()
    {
        var result = InvisibleCharacterSanitizer.Sanitize("a\u0000b\u0007c\u200Bd\uFEFFe\u202Ef\u2066g\u00ADh\u0085i");

        Assert.Equal("abcdefghi", result.Text);
        Assert.Equal(3, result.ControlCharacters);
        Assert.Equal(3, result.InvisibleCharacters);
        Assert.Equal(2, result.BidiCharacters);
    }

    [Fact]
    public void Sanitize_TagCharacters_RemovesThemAndSpellsOutTheHiddenMessage()
    {
        var hidden = string.Concat("hi there".Select(c => char.ConvertFromUtf32(0xE0000 + c)));

        var result = InvisibleCharacterSanitizer.Sanitize("visible" + hidden);

        Assert.Equal("visible", result.Text);
        Assert.Equal("hi there", result.TagMessage);
    }

    [Fact]
    public void Sanitize_EmojiAndOtherSurrogates_AreKept()
    {
        const string text = "ok 😀 𝄞";

        Assert.Equal(text, InvisibleCharacterSanitizer.Sanitize(text).Text);
    }
}
