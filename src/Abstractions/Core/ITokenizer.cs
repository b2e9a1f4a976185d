namespace Agents;

/// <summary>
/// Turns text into a model's tokens and back; offered through <see cref="IGenerator.GetService"/> by backends
/// that know their tokenizer (the local backend does), and used to count tokens against a context window.
/// </summary>
public interface ITokenizer
{
    /// <summary>Splits <paramref name="text"/> into token ids.</summary>
    /// <param name="text">The text.</param>
    /// <param name="addSpecialTokens">Whether to add the model's start-of-sequence token.</param>
    /// <returns>The token ids.</returns>
    IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false);

    /// <summary>Joins token ids back into text.</summary>
    /// <param name="tokens">The token ids.</param>
    /// <returns>The text.</returns>
    string Decode(IEnumerable<int> tokens);

    /// <summary>Counts the tokens of <paramref name="text"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The number of tokens, without special tokens.</returns>
    int CountTokens(string text);
}
