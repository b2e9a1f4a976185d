using System.Text.RegularExpressions;

namespace Agents.Safety.Validation;

/// <summary>
/// Checks a retrieval-augmented answer's citations: every marker (<c>[2]</c>, <c>[1, 3]</c>, <c>[2-4]</c>) must name
/// a passage that was actually provided, and optionally every sentence must carry one. A whole-answer check.
/// </summary>
/// <remarks>
/// By default the provided passages are read from the request, which is how the retrieval middleware
/// (<c>UseRetrieval</c>, placed outside <c>UseValidation</c>) delivers them: lines starting <c>[n] source…</c> in a
/// system or user message. Set <see cref="PassageNumbers"/> to supply them another way. Markers that follow a
/// sentence's final punctuation ("… is blue. [1]") count for that sentence.
/// </remarks>
public sealed partial class GroundednessOutputValidator : IOutputValidator
{
    /// <summary>Creates the validator.</summary>
    /// <param name="name">The validator's name.</param>
    public GroundednessOutputValidator(string name = "groundedness")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Gets or sets whether every sentence must carry a citation marker.</summary>
    /// <value><see langword="false"/> by default.</value>
    public bool RequireCitationPerSentence { get; init; }

    /// <summary>Gets or sets whether an answer without any marker fails.</summary>
    /// <value><see langword="false"/> by default (an answer that cites nothing makes no claim about the sources).</value>
    public bool RequireAtLeastOneCitation { get; init; }

    /// <summary>Gets or sets the fewest letters a sentence needs before it must cite (shorter fragments such as "Yes." are exempt).</summary>
    /// <value>12 by default.</value>
    public int MinSentenceLetters { get; init; } = 12;

    /// <summary>Gets or sets how the numbers of the provided passages are found.</summary>
    /// <value><see langword="null"/>: read <c>[n] …</c> headers from the request's system and user messages.</value>
    public Func<ValidationContext, IReadOnlyCollection<int>>? PassageNumbers { get; init; }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ValidationViolation>> ValidateAsync(ValidationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var provided = PassageNumbers is { } provider ? [.. provider(context)] : CitationMarkers.ProvidedPassages(context.Request);
        var violations = new List<ValidationViolation>();
        var markers = CitationMarkers.Find(context.Text).ToList();
        foreach (var (start, length, numbers) in markers)
        {
            foreach (var number in numbers.Where(n => !provided.Contains(n)).Distinct())
            {
                violations.Add(new ValidationViolation(Name, "unknown-source",
                    provided.Count == 0
                        ? $"citation [{number}] names a source, but no sources were provided"
                        : $"citation [{number}] names no provided source (sources are numbered {Describe(provided)})",
                    start, length));
            }
        }

        if (RequireAtLeastOneCitation && markers.Count == 0)
        {
            violations.Add(new ValidationViolation(Name, "no-citation", "the answer cites no source"));
        }

        if (RequireCitationPerSentence)
        {
            var sentenceNumber = 0;
            foreach (var (start, length) in Sentences(context.Text))
            {
                sentenceNumber++;
                var sentence = context.Text.AsSpan(start, length);
                if (CountLetters(sentence) < MinSentenceLetters)
                {
                    continue;
                }

                if (!markers.Any(m => m.Start >= start && m.Start < start + length))
                {
                    violations.Add(new ValidationViolation(Name, "uncited-sentence",
                        $"sentence {sentenceNumber} cites no source", start, length));
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyList<ValidationViolation>>(violations);
    }

    /// <summary>Splits text into sentences; markers right after a sentence's end stay with that sentence.</summary>
    internal static List<(int Start, int Length)> Sentences(string text)
    {
        var sentences = new List<(int Start, int Length)>();
        var start = 0;
        foreach (var match in SentenceBreakPattern().EnumerateMatches(text))
        {
            var end = match.Index;
            if (end > start && !string.IsNullOrWhiteSpace(text[start..end]))
            {
                sentences.Add((start, end - start));
            }

            start = match.Index + match.Length;
        }

        if (start < text.Length && !string.IsNullOrWhiteSpace(text[start..]))
        {
            sentences.Add((start, text.Length - start));
        }

        return sentences;
    }

    private static int CountLetters(ReadOnlySpan<char> text)
    {
        var n = 0;
        foreach (var c in text)
        {
            if (char.IsLetter(c))
            {
                n++;
            }
        }

        return n;
    }

    private static string Describe(HashSet<int> provided) =>
        provided.Count <= 10 ? string.Join(", ", provided.Order()) : $"{provided.Min()}-{provided.Max()}";

    // A break is whitespace after . ! ? (and any markers right after it), or a blank line.
    [GeneratedRegex(@"(?<=[.!?](?:\s*\[[\d,;\s\-–]+\])*)\s+(?!\[\d)|\n\s*\n", RegexOptions.CultureInvariant)]
    private static partial Regex SentenceBreakPattern();
}
