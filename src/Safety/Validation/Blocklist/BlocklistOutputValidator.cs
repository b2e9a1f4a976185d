using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace Agents.Safety.Validation;

/// <summary>
/// Forbids words and phrases: matched whole-word, ignoring case and accents ("resume" blocks "Résumé" but not
/// "resumed"); a phrase's words may be separated by any whitespace. Incremental: streams are checked as they go,
/// and matches can be redacted.
/// </summary>
public sealed class BlocklistOutputValidator : IIncrementalOutputValidator
{
    private readonly Regex _pattern;

    // The first word of every folded term: an ASCII text holding none of them (any case) cannot match, which spares
    // folding it and running the pattern.
    private readonly SearchValues<string> _firstWords;

    /// <summary>Creates the validator.</summary>
    /// <param name="terms">The words and phrases to block.</param>
    /// <param name="name">The validator's name.</param>
    /// <param name="replacement">What redaction puts in place of a match.</param>
    /// <exception cref="ArgumentException"><paramref name="terms"/> is empty or holds only blank entries.</exception>
    public BlocklistOutputValidator(IEnumerable<string> terms, string name = "blocklist", string replacement = ValidationViolation.DefaultReplacement)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var folded = terms.Where(t => !string.IsNullOrWhiteSpace(t))
            .Select(t => AccentFoldedText.Fold(t.Trim()))
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(t => t.Length)
            .ToList();
        if (folded.Count == 0)
        {
            throw new ArgumentException("The blocklist needs at least one non-blank term.", nameof(terms));
        }

        Name = name;
        Replacement = replacement;
        TermCount = folded.Count;
        MaxViolationLength = Math.Max(1, folded.Max(t => t.Length) * 2);
        _firstWords = SearchValues.Create(
            [.. folded.Select(t => t.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0]).Distinct(StringComparer.Ordinal)],
            StringComparison.OrdinalIgnoreCase);
        var alternatives = new StringBuilder();
        foreach (var term in folded)
        {
            if (alternatives.Length > 0)
            {
                alternatives.Append('|');
            }

            alternatives.Append(string.Join(@"\s+", term.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(Regex.Escape)));
        }

        _pattern = new Regex(
            $@"(?<![\p{{L}}\p{{N}}_])(?:{alternatives})(?![\p{{L}}\p{{N}}_])",
            RegexOptions.CultureInvariant | RegexOptions.Compiled,
            TimeSpan.FromSeconds(2));
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Gets what redaction puts in place of a match.</summary>
    public string Replacement { get; }

    /// <summary>Gets how many distinct terms are blocked.</summary>
    public int TermCount { get; }

    /// <inheritdoc/>
    public int MaxViolationLength { get; }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ValidationViolation>> ValidateAsync(ValidationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult(Scan(context.Text));
    }

    /// <inheritdoc/>
    public IReadOnlyList<ValidationViolation> Scan(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (System.Text.Ascii.IsValid(text) && text.AsSpan().IndexOfAny(_firstWords) < 0)
        {
            return [];
        }

        var folded = AccentFoldedText.Create(text);
        var violations = new List<ValidationViolation>();
        try
        {
            foreach (Match match in _pattern.Matches(folded.Folded))
            {
                var start = folded.OriginalIndex(match.Index);
                var end = match.Index + match.Length < folded.Folded.Length
                    ? folded.OriginalIndex(match.Index + match.Length)
                    : text.Length;
                violations.Add(new ValidationViolation(Name, "blocked-term", "the answer contains a blocked word or phrase", start, end - start, Replacement));
            }
        }
        catch (RegexMatchTimeoutException)
        {
            return [new ValidationViolation(Name, "timeout", "the blocklist timed out on the answer", 0, text.Length)];
        }

        return violations;
    }
}
