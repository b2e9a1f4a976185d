using System.Globalization;
using System.Text.RegularExpressions;

namespace Agents.Safety.Validation;

/// <summary>
/// Reads citation markers — <c>[2]</c>, <c>[1, 3]</c>, <c>[2-4]</c>, <c>[1][2]</c>, the syntax the retrieval
/// middleware asks the model for — and the numbered source headers the retrieval middleware puts in the prompt
/// (a line starting <c>[n] source…</c>).
/// </summary>
internal static partial class CitationMarkers
{
    private const int MaxRangeLength = 50;

    /// <summary>Finds each marker with the numbers it cites.</summary>
    public static IEnumerable<(int Start, int Length, IReadOnlyList<int> Numbers)> Find(string text)
    {
        foreach (Match match in MarkerPattern().Matches(text))
        {
            yield return (match.Index, match.Length, Numbers(match.Groups["list"].Value));
        }
    }

    /// <summary>Collects the numbers of the sources headed <c>[n] …</c> at the start of a line in the request's system and user messages.</summary>
    public static HashSet<int> ProvidedPassages(GenerationRequest request)
    {
        var numbers = new HashSet<int>();
        foreach (var message in request.Messages)
        {
            if (message.Role is not (MessageRole.System or MessageRole.User))
            {
                continue;
            }

            foreach (Match match in HeaderPattern().Matches(message.Text))
            {
                if (int.TryParse(match.Groups["n"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    numbers.Add(n);
                }
            }
        }

        return numbers;
    }

    private static List<int> Numbers(string list)
    {
        var numbers = new List<int>();
        foreach (var part in list.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var range = part.Split(['-', '–'], StringSplitOptions.TrimEntries);
            if (range.Length == 2
                && int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                && int.TryParse(range[1], NumberStyles.None, CultureInfo.InvariantCulture, out var to)
                && from <= to && to - from < MaxRangeLength)
            {
                for (var n = from; n <= to; n++)
                {
                    numbers.Add(n);
                }
            }
            else if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                numbers.Add(number);
            }
        }

        return numbers;
    }

    [GeneratedRegex(@"\[(?<list>\d{1,4}(?:\s*(?:[,;]|[-–])\s*\d{1,4})*)\]", RegexOptions.CultureInvariant)]
    private static partial Regex MarkerPattern();

    [GeneratedRegex(@"^\[(?<n>\d{1,4})\] \S", RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex HeaderPattern();
}
