using System.Globalization;
using System.Text;

namespace Agents.Evaluation;

/// <summary>
/// The word tokenization the text metrics share: lower-cased, every run of letters or digits one token, everything else
/// a separator (the rule of the reference ROUGE scorer).
/// </summary>
public static class TextTokens
{
    private static readonly HashSet<string> s_articles = new(StringComparer.Ordinal) { "a", "an", "the" };

    /// <summary>Splits <paramref name="text"/> into lower-cased alphanumeric tokens.</summary>
    /// <param name="text">The text; <see langword="null"/> or empty gives no tokens.</param>
    /// <returns>The tokens in order.</returns>
    public static IReadOnlyList<string> Words(string? text)
    {
        var tokens = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return tokens;
        }

        var current = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune))
            {
                current.Append(Rune.ToLowerInvariant(rune).ToString());
            }
            else if (current.Length > 0)
            {
                tokens.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }

    /// <summary>
    /// The answer normalization of extractive question answering (SQuAD): <see cref="Words"/> with the articles
    /// "a", "an" and "the" removed.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>The normalized tokens.</returns>
    public static IReadOnlyList<string> NormalizedAnswer(string? text) =>
        [.. Words(text).Where(word => !s_articles.Contains(word))];

    internal static string Join(IEnumerable<string> tokens) => string.Join(' ', tokens);

    internal static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
