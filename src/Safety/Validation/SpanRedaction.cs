using System.Text;

namespace Agents.Safety.Validation;

/// <summary>Replaces located violations in a text with their replacement strings; overlapping spans merge into one.</summary>
internal static class SpanRedaction
{
    public static string Apply(string text, IEnumerable<ValidationViolation> violations)
    {
        var spans = Merge(violations);
        if (spans.Count == 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var position = 0;
        foreach (var (start, end, replacement) in spans)
        {
            builder.Append(text, position, start - position).Append(replacement);
            position = end;
        }

        builder.Append(text, position, text.Length - position);
        return builder.ToString();
    }

    /// <summary>Sorts the spans and merges overlapping ones, keeping the first one's replacement.</summary>
    public static List<(int Start, int End, string Replacement)> Merge(IEnumerable<ValidationViolation> violations)
    {
        var merged = new List<(int Start, int End, string Replacement)>();
        foreach (var v in violations.Where(v => v.HasSpan && v.Length > 0).OrderBy(v => v.Start).ThenByDescending(v => v.Length))
        {
            if (merged.Count > 0 && v.Start < merged[^1].End)
            {
                var last = merged[^1];
                merged[^1] = (last.Start, Math.Max(last.End, v.End), last.Replacement);
            }
            else
            {
                merged.Add((v.Start, v.End, v.Replacement ?? ValidationViolation.DefaultReplacement));
            }
        }

        return merged;
    }

    public static bool Overlaps(ValidationViolation violation, IEnumerable<ValidationViolation> others) =>
        others.Any(o => o.HasSpan && violation.HasSpan && violation.Start < o.End && o.Start < violation.End);
}
