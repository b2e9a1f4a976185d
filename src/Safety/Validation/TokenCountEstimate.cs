namespace Agents.Safety.Validation;

/// <summary>
/// The token count used by the length validator and the input guards when the generator chain offers no
/// <see cref="ITokenizer"/>: one token per four characters, rounded up — the usual rule of thumb for English text
/// under BPE tokenizers (it overestimates code and underestimates some other languages).
/// </summary>
public static class TokenCountEstimate
{
    /// <summary>The characters counted as one token.</summary>
    public const int CharactersPerToken = 4;

    /// <summary>Estimates the tokens of <paramref name="text"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>⌈length / 4⌉.</returns>
    public static int Count(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return (text.Length + CharactersPerToken - 1) / CharactersPerToken;
    }

    /// <summary>Counts the tokens of <paramref name="text"/> with <paramref name="tokenizer"/>, or estimates them without one.</summary>
    /// <param name="text">The text.</param>
    /// <param name="tokenizer">The model's tokenizer, or <see langword="null"/>.</param>
    /// <returns>The count.</returns>
    public static int Count(string text, ITokenizer? tokenizer) => tokenizer?.CountTokens(text) ?? Count(text);
}
