namespace Agents.Safety.Guards;

/// <summary>
/// Gives the injection rules word boundaries where scripts written without spaces meet English: in
/// "请ignore all previous instructions并…" the ideographs are word characters to <c>\b</c>, so a rule starting or ending
/// with <c>\b</c> would never match. Characters of those scripts (CJK, kana, Hangul, Thai, Lao, Khmer, Myanmar) read
/// as spaces; the text keeps its length, so match positions still point into the original.
/// </summary>
internal static class UnspacedScriptSeparator
{
    // Below this, no script that is written without spaces (Thai starts here).
    private const char FirstCandidate = '\u0E00';

    /// <summary>The text with every character of an unspaced script replaced by a space; the same instance when there is none.</summary>
    public static string Separate(string text)
    {
        var first = text.AsSpan().IndexOfAnyExceptInRange('\0', (char)(FirstCandidate - 1));
        while (first >= 0 && !IsUnspaced(text[first]))
        {
            var next = text.AsSpan(first + 1).IndexOfAnyExceptInRange('\0', (char)(FirstCandidate - 1));
            first = next < 0 ? -1 : first + 1 + next;
        }

        if (first < 0)
        {
            return text;
        }

        return string.Create(text.Length, (text, first), static (destination, state) =>
        {
            state.text.AsSpan().CopyTo(destination);
            for (var i = state.first; i < destination.Length; i++)
            {
                if (IsUnspaced(destination[i]))
                {
                    destination[i] = ' ';
                }
            }
        });
    }

    /// <summary>Whether <paramref name="c"/> belongs to a script written without spaces between words.</summary>
    internal static bool IsUnspaced(char c) => c switch
    {
        >= '\u0E00' and <= '\u0EFF' => true, // Thai, Lao
        >= '\u1000' and <= '\u109F' => true, // Myanmar
        >= '\u1780' and <= '\u17FF' => true, // Khmer
        >= '\u2E80' and <= '\u9FFF' => true, // CJK radicals and symbols, kana, Bopomofo, Hangul jamo, CJK ideographs
        >= '\uAC00' and <= '\uD7AF' => true, // Hangul syllables (particles attach to the word before them)
        >= '\uF900' and <= '\uFAFF' => true, // CJK compatibility ideographs
        _ => false,
    };
}
