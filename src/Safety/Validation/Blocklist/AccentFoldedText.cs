using System.Globalization;
using System.Text;

namespace Agents.Safety.Validation;

/// <summary>
/// A lower-cased, accent-free copy of a text (compatibility decomposition, combining marks dropped, so "Café",
/// "CAFE" and fullwidth "ｃａｆｅ" all read "cafe") with a map from each folded character back to the original.
/// </summary>
internal readonly struct AccentFoldedText
{
    private readonly int[]? _map;

    private AccentFoldedText(string folded, int[]? map)
    {
        Folded = folded;
        _map = map;
    }

    public string Folded { get; }

    /// <summary>Gets the original index of folded character <paramref name="index"/>; the original length for the end.</summary>
    public int OriginalIndex(int index) => _map is null ? index : _map[index];

    public static AccentFoldedText Create(string text)
    {
        if (System.Text.Ascii.IsValid(text))
        {
            // Plain ASCII (the common case) folds to its lower case, index for index: no map needed.
            return new AccentFoldedText(text.ToLowerInvariant(), null);
        }

        var builder = new StringBuilder(text.Length);
        var map = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 128)
            {
                builder.Append(char.ToLowerInvariant(c));
                map.Add(i);
                continue;
            }

            if (char.IsSurrogate(c))
            {
                builder.Append(c);
                map.Add(i);
                continue;
            }

            foreach (var d in c.ToString().Normalize(NormalizationForm.FormKD))
            {
                if (CharUnicodeInfo.GetUnicodeCategory(d) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark)
                {
                    continue;
                }

                builder.Append(char.ToLowerInvariant(d));
                map.Add(i);
            }
        }

        map.Add(text.Length);
        return new AccentFoldedText(builder.ToString(), [.. map]);
    }

    /// <summary>Folds a term the same way (no map needed).</summary>
    public static string Fold(string term) => Create(term).Folded;
}
