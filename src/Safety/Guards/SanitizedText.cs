namespace Agents.Safety.Guards;

/// <summary>The result of <see cref="InvisibleCharacterSanitizer.Sanitize"/>.</summary>
/// <param name="Text">The text without the invisible characters.</param>
/// <param name="ControlCharacters">How many control characters were removed.</param>
/// <param name="InvisibleCharacters">How many zero-width, soft-hyphen, filler and tag characters were removed.</param>
/// <param name="BidiCharacters">How many bidirectional override, embedding, isolate and mark characters were removed.</param>
/// <param name="TagMessage">The ASCII spelled out by Unicode tag characters, if any (a hidden message).</param>
public sealed record SanitizedText(string Text, int ControlCharacters, int InvisibleCharacters, int BidiCharacters, string TagMessage)
{
    /// <summary>Gets how many characters were removed in all.</summary>
    public int RemovedCount => ControlCharacters + InvisibleCharacters + BidiCharacters;
}
