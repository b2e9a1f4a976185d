using System.Buffers;
using System.Text;

namespace Agents.Safety.Guards;

/// <summary>
/// Scores untrusted text for prompt injection: instruction-override phrases, role-play jailbreaks, fake system or
/// role markers and chat-template tokens, payloads hidden in base64, hex or rot13 (decoded and scored), and hidden
/// text (HTML comments, CSS-hidden text, invisible and Unicode tag characters).
/// </summary>
/// <remarks>
/// Each signal has a weight in (0, 1); the score is 1 − ∏(1 − weight), so independent weak signals add up while
/// one strong phrase suffices. Rules run on the text with invisible characters removed (so a zero-width space
/// inside "ig​nore" does not hide it). One pass (<see cref="TriggerAutomaton"/>) finds every rule's trigger words; a
/// rule's regular expression runs only when they occur, and then only on windows of <see cref="InjectionRule.Reach"/>
/// characters around them, so a match must lie that close to a trigger. Heuristic by nature: a determined attacker can phrase around it, and the corpus it is tuned on is in the
/// tests. Thread-safe.
/// </remarks>
public sealed class PromptInjectionScorer
{
    private const int MinEncodedLength = 24;
    private const double EncodedPayloadWeight = 0.9;
    private const double Rot13PayloadWeight = 0.85;
    private const double TagCharacterWeight = 0.6;
    private const double InvisibleCharacterWeight = 0.3;
    private const double DecodedThreshold = 0.5;

    private static readonly SearchValues<string> Rot13Hints = SearchValues.Create(
        ["vtaber", "qvfertneq", "vafgehpgvba", "cebzcg", "flfgrz", "cerivbhf", "wnvyoernx", "erirny", "sbetrg", "ehyrf"],
        StringComparison.OrdinalIgnoreCase);

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    private const byte Base64Class = 1;
    private const byte HexClass = 2;

    // One look-up per character in the encoded-run scan: bit 1 for base64 (standard and URL-safe), bit 2 for hex.
    private static readonly byte[] CharClasses = Enumerable.Range(0, 128).Select(c => (byte)(
        (char.IsAsciiLetterOrDigit((char)c) || c is '+' or '/' or '=' or '-' or '_' ? Base64Class : 0)
        | (char.IsAsciiHexDigit((char)c) ? HexClass : 0))).ToArray();

    private static readonly IReadOnlyList<InjectionRule> Rules = InjectionRules.All;

    // Every trigger word of every rule, found in one pass (TriggerAutomaton) over the text as it is.
    private static readonly TriggerAutomaton Triggers = new([.. Rules
        .SelectMany(r => r.Triggers.Concat(r.AlsoRequired ?? [])).Distinct(StringComparer.Ordinal)]);

    private static readonly int[][] PrimaryTriggerIds = [.. Rules.Select(r => IdsOf(r.Triggers))];

    // [trigger]: the rules (one bit each) for which the trigger is one of their own, or one of their second kind.
    private static readonly ulong[] RulesTriggeredBy = RuleMasks(PrimaryTriggerIds);

    private static readonly ulong[] RulesAlsoSatisfiedBy = RuleMasks([.. Rules.Select(r => r.AlsoRequired is null ? [] : IdsOf(r.AlsoRequired))]);

    // The rules that need no second kind of word.
    private static readonly ulong RulesWithoutSecondKind = Rules.Select((r, i) => r.AlsoRequired is null ? 1UL << i : 0).Aggregate(0UL, (a, b) => a | b);

    // [rule][trigger]: whether the trigger is one of the rule's own (its windows are centred on these).
    private static readonly bool[][] IsPrimaryTrigger = [.. PrimaryTriggerIds.Select(ids =>
    {
        var primary = new bool[Triggers.Triggers.Count];
        foreach (var id in ids)
        {
            primary[id] = true;
        }

        return primary;
    })];

    /// <summary>Creates a scorer with the built-in rules.</summary>
    /// <param name="decodeEncodedPayloads">Whether base64, hex and rot13 runs are decoded and scored (the costliest part).</param>
    public PromptInjectionScorer(bool decodeEncodedPayloads = true)
    {
        DecodeEncodedPayloads = decodeEncodedPayloads;
    }

    /// <summary>Gets a shared instance with the built-in rules.</summary>
    public static PromptInjectionScorer Default { get; } = new();

    /// <summary>Gets whether base64, hex and rot13 runs are decoded and scored.</summary>
    /// <value><see langword="true"/> by default.</value>
    public bool DecodeEncodedPayloads { get; }

    /// <summary>Scores <paramref name="text"/>.</summary>
    /// <param name="text">The untrusted text.</param>
    /// <returns>The score, the categories found and where.</returns>
    public InjectionAssessment Score(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sanitized = InvisibleCharacterSanitizer.Sanitize(text);
        var clean = sanitized.Text;
        var signals = new List<(string Category, double Weight)>();
        var spans = new List<(int Start, int Length)>();
        var hits = new List<TriggerHit>();
        ScoreRules(clean, hits, signals, spans);

        if (sanitized.TagMessage.Length > 0)
        {
            signals.Add((InjectionCategories.HiddenText, TagCharacterWeight));
            if (RulesScore(sanitized.TagMessage, hits) >= DecodedThreshold)
            {
                signals.Add((InjectionCategories.EncodedPayload, EncodedPayloadWeight));
            }
        }
        else if (sanitized.RemovedCount > 0)
        {
            signals.Add((InjectionCategories.InvisibleCharacters, InvisibleCharacterWeight));
        }

        if (DecodeEncodedPayloads)
        {
            ScoreEncodedRuns(clean, hits, signals, spans);
        }

        if (DecodeEncodedPayloads && clean.AsSpan().IndexOfAny(Rot13Hints) >= 0)
        {
            var rotSpans = new List<(int Start, int Length)>();
            if (RulesScore(Rot13(clean), hits, rotSpans) >= DecodedThreshold)
            {
                signals.Add((InjectionCategories.EncodedPayload, Rot13PayloadWeight));
                spans.AddRange(rotSpans);
            }
        }

        return new InjectionAssessment(clean, Combine(signals), Findings(signals), MergeSpans(spans), sanitized);
    }

    private static int[] IdsOf(IReadOnlyList<string> words)
    {
        var all = Triggers.Triggers.ToList();
        return [.. words.Select(w => all.IndexOf(w))];
    }

    /// <summary>
    /// Scores decoded or hidden text against the rules. Without <paramref name="spans"/> only whether the score reaches
    /// <see cref="DecodedThreshold"/> matters, so the rules stop at the first match that gets it there and each window
    /// stops at its first match: a decoded attack usually trips a strong rule at once.
    /// </summary>
    private static double RulesScore(string text, List<TriggerHit> hits, List<(int Start, int Length)>? spans = null)
    {
        var signals = new List<(string, double)>();
        ScoreRules(text, hits, signals, spans, spans is null ? DecodedThreshold : double.PositiveInfinity);
        return Combine(signals);
    }

    /// <summary>
    /// Finds every trigger once, then runs each rule whose triggers occur on the windows around its own triggers
    /// (overlapping windows merged), so a rule reads only text near where it could match.
    /// </summary>
    private static void ScoreRules(
        string text, List<TriggerHit> hits, List<(string Category, double Weight)> signals, List<(int Start, int Length)>? spans,
        double stopAt = double.PositiveInfinity)
    {
        hits.Clear();
        Triggers.FindAll(text, hits);
        if (hits.Count == 0)
        {
            return;
        }

        ulong triggered = 0, alsoSatisfied = RulesWithoutSecondKind;
        foreach (var hit in hits)
        {
            triggered |= RulesTriggeredBy[hit.Trigger];
            alsoSatisfied |= RulesAlsoSatisfiedBy[hit.Trigger];
        }

        for (var due = triggered & alsoSatisfied; due != 0; due &= due - 1)
        {
            var r = System.Numerics.BitOperations.TrailingZeroCount(due);
            var rule = Rules[r];
            bool matched;
            try
            {
                matched = MatchWindows(rule, IsPrimaryTrigger[r], text, hits, spans);
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
            {
                // Text built to make a rule backtrack is itself suspicious: count the rule as matched.
                matched = true;
            }

            if (matched)
            {
                signals.Add((rule.Category, rule.Weight));
                if (Combine(signals) >= stopAt)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="rule"/> on the merged windows of <see cref="InjectionRule.Reach"/> around its trigger hits.
    /// Without <paramref name="spans"/> it stops at the first match.
    /// </summary>
    internal static bool MatchWindows(InjectionRule rule, bool[] isPrimary, string text, List<TriggerHit> hits, List<(int Start, int Length)>? spans)
    {
        var matched = false;
        var windowStart = -1;
        var windowEnd = -1;
        foreach (var hit in hits)
        {
            if (!isPrimary[hit.Trigger] || (rule.AtLineStart && !OnlyMarkersBefore(text, hit.Start)))
            {
                continue;
            }

            var start = Math.Max(0, hit.Start - rule.Reach);
            var end = (int)Math.Min(text.Length, (long)hit.Start + hit.Length + rule.Reach);
            if (windowEnd >= 0 && start <= windowEnd)
            {
                windowStart = Math.Min(windowStart, start);
                windowEnd = Math.Max(windowEnd, end);
                continue;
            }

            if (windowEnd >= 0)
            {
                matched |= MatchWindow(rule, text, windowStart, windowEnd, spans);
                if (matched && spans is null)
                {
                    return true;
                }
            }

            windowStart = start;
            windowEnd = end;
        }

        if (windowEnd >= 0)
        {
            matched |= MatchWindow(rule, text, windowStart, windowEnd, spans);
        }

        return matched;
    }

    /// <summary>Whether the line holding <paramref name="position"/> has only white space and heading or list markers before it.</summary>
    internal static bool OnlyMarkersBefore(string text, int position)
    {
        for (var i = position - 1; i >= 0; i--)
        {
            var c = text[i];
            if (c is '\n' or '\r')
            {
                return true;
            }

            if (c is not ('#' or '[' or '*') && !char.IsWhiteSpace(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool MatchWindow(InjectionRule rule, string text, int start, int end, List<(int Start, int Length)>? spans)
    {
        // Never cut a word at the window's end, or "\b" would see a boundary the text does not have.
        var limit = Math.Min(text.Length, end + 64);
        while (end < limit && char.IsLetterOrDigit(text[end]))
        {
            end++;
        }

        // The whole text before the window stays visible, so "\b", "^" and look-behinds at its start read the real context.
        if (spans is null)
        {
            return rule.Pattern.IsMatch(text.AsSpan(0, end), start);
        }

        var matched = false;
        foreach (var match in rule.Pattern.EnumerateMatches(text.AsSpan(0, end), start))
        {
            matched = true;
            spans.Add((match.Index, match.Length));
        }

        return matched;
    }

    private static ulong[] RuleMasks(int[][] idsByRule)
    {
        if (idsByRule.Length > 64)
        {
            throw new InvalidOperationException("The scorer keeps one bit per rule: at most 64 rules.");
        }

        var masks = new ulong[Triggers.Triggers.Count];
        for (var r = 0; r < idsByRule.Length; r++)
        {
            foreach (var id in idsByRule[r])
            {
                masks[id] |= 1UL << r;
            }
        }

        return masks;
    }

    /// <summary>
    /// Finds long base64 or hex runs (hex may come in space-separated groups), decodes them and scores what they say.
    /// One pass: whether the run so far is all hex is tracked as it grows, so spaced hex never rescans the run.
    /// </summary>
    private static void ScoreEncodedRuns(string text, List<TriggerHit> hits, List<(string Category, double Weight)> signals, List<(int Start, int Length)> spans)
    {
        var found = false;
        var span = text.AsSpan();
        var classes = CharClasses;

        // One tight loop over the characters (one table look-up each) rather than a vectorised search per word: in
        // prose nearly every word is a base64 run, so the per-call cost of a search dominated.
        var start = -1;
        var allHex = true;
        for (var i = 0; i <= span.Length; i++)
        {
            var c = i < span.Length ? span[i] : '\0';
            var cls = c < 128 ? classes[c] : 0;
            if ((cls & Base64Class) != 0)
            {
                if (start < 0)
                {
                    start = i;
                    allHex = true;
                }

                allHex &= (cls & HexClass) != 0;
                continue;
            }

            if (start < 0)
            {
                continue;
            }

            if (c == ' ' && allHex && i + 1 < span.Length && IsHexChar(span[i + 1]))
            {
                continue;
            }

            var length = i - start;
            if (length >= MinEncodedLength && Decode(span.Slice(start, length)) is { } decoded && RulesScore(decoded, hits) >= DecodedThreshold)
            {
                spans.Add((start, length));
                found = true;
            }

            start = -1;
        }

        if (found)
        {
            signals.Add((InjectionCategories.EncodedPayload, EncodedPayloadWeight));
        }
    }

    private static string? Decode(ReadOnlySpan<char> run)
    {
        var compact = run.ToString().Replace(" ", string.Empty, StringComparison.Ordinal);
        if (compact.Length % 2 == 0 && compact.AsSpan().IndexOfAnyExcept(HexDigits) < 0)
        {
            try
            {
                return Printable(Convert.FromHexString(compact));
            }
            catch (FormatException)
            {
                return null;
            }
        }

        var base64 = compact.Replace('-', '+').Replace('_', '/').TrimEnd('=');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var written) ? Printable(buffer.AsSpan(0, written)) : null;
    }

    /// <summary>Returns the bytes as text when they read as mostly printable UTF-8, else <see langword="null"/>.</summary>
    private static string? Printable(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(bytes);
        var printable = 0;
        foreach (var c in text)
        {
            if (!char.IsControl(c) || c is '\n' or '\r' or '\t')
            {
                printable += c == '\uFFFD' ? 0 : 1;
            }
        }

        return printable >= text.Length * 0.9 ? text : null;
    }

    private static string Rot13(string text) => string.Create(text.Length, text, static (buffer, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            buffer[i] = c switch
            {
                >= 'a' and <= 'z' => (char)('a' + ((c - 'a' + 13) % 26)),
                >= 'A' and <= 'Z' => (char)('A' + ((c - 'A' + 13) % 26)),
                _ => c,
            };
        }
    });

    private static bool IsHexChar(char c) => c < 128 && (CharClasses[c] & HexClass) != 0;

    private static double Combine(List<(string Category, double Weight)> signals)
    {
        var clean = 1.0;
        foreach (var (_, weight) in signals)
        {
            clean *= 1 - weight;
        }

        return Math.Round(1 - clean, 4);
    }

    /// <summary>Each category once, strongest first; categories of equal strength keep the order they were found in.</summary>
    private static string[] Findings(List<(string Category, double Weight)> signals)
    {
        if (signals.Count == 0)
        {
            return [];
        }

        var strongest = new List<(string Category, double Weight)>(signals.Count);
        foreach (var (category, weight) in signals)
        {
            var index = -1;
            for (var k = 0; k < strongest.Count && index < 0; k++)
            {
                index = strongest[k].Category == category ? k : -1;
            }

            if (index < 0)
            {
                strongest.Add((category, weight));
            }
            else if (weight > strongest[index].Weight)
            {
                strongest[index] = (category, weight);
            }
        }

        // Insertion sort: stable, and there are at most a handful of categories.
        for (var i = 1; i < strongest.Count; i++)
        {
            var item = strongest[i];
            var j = i - 1;
            while (j >= 0 && strongest[j].Weight < item.Weight)
            {
                strongest[j + 1] = strongest[j];
                j--;
            }

            strongest[j + 1] = item;
        }

        var findings = new string[strongest.Count];
        for (var i = 0; i < findings.Length; i++)
        {
            findings[i] = strongest[i].Category;
        }

        return findings;
    }

    private static List<(int Start, int Length)> MergeSpans(List<(int Start, int Length)> spans)
    {
        if (spans.Count < 2)
        {
            return spans;
        }

        spans.Sort((a, b) => a.Start.CompareTo(b.Start));
        var merged = new List<(int Start, int Length)>();
        foreach (var (start, length) in spans)
        {
            if (merged.Count > 0 && start <= merged[^1].Start + merged[^1].Length)
            {
                var last = merged[^1];
                merged[^1] = (last.Start, Math.Max(last.Start + last.Length, start + length) - last.Start);
            }
            else
            {
                merged.Add((start, length));
            }
        }

        return merged;
    }
}
