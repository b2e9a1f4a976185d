using System.Globalization;
using System.Text.RegularExpressions;

namespace Agents.Rag;

/// <summary>
/// Maps the citation markers in an answer — <c>[2]</c>, <c>[1, 3]</c>, <c>[2-4]</c>, <c>[1][2]</c> — back to the
/// numbered sources they name.
/// </summary>
public static partial class CitationResolver
{
    private const int MaxRangeLength = 50;

    /// <summary>Finds every citation marker in <paramref name="answer"/>, in order.</summary>
    /// <param name="answer">The model's answer.</param>
    /// <param name="citations">The numbered sources the model was given.</param>
    /// <returns>One mention per number cited (a marker <c>[1, 2]</c> gives two), in order of appearance.</returns>
    public static IReadOnlyList<CitationMention> FindMentions(string answer, IReadOnlyList<Citation> citations)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(citations);
        var byNumber = citations.ToDictionary(c => c.Number);
        var mentions = new List<CitationMention>();
        foreach (Match match in MarkerPattern().Matches(answer))
        {
            foreach (var number in Numbers(match.Groups["list"].Value))
            {
                mentions.Add(new CitationMention(number, byNumber.GetValueOrDefault(number), match.Index, match.Length));
            }
        }

        return mentions;
    }

    /// <summary>Lists the sources <paramref name="answer"/> cites, each once, in order of first mention.</summary>
    /// <param name="answer">The model's answer.</param>
    /// <param name="citations">The numbered sources the model was given.</param>
    /// <returns>The cited sources; numbers that name no source are ignored.</returns>
    public static IReadOnlyList<Citation> Cited(string answer, IReadOnlyList<Citation> citations) =>
        FindMentions(answer, citations)
            .Where(m => m.Citation is not null)
            .Select(m => m.Citation!)
            .DistinctBy(c => c.Number)
            .ToList();

    private static IEnumerable<int> Numbers(string list)
    {
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
                    yield return n;
                }
            }
            else if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                yield return number;
            }
        }
    }

    [GeneratedRegex(@"\[(?<list>\d{1,4}(?:\s*(?:[,;]|[-–])\s*\d{1,4})*)\]", RegexOptions.CultureInvariant)]
    private static partial Regex MarkerPattern();
}
