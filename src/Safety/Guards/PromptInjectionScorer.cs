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
/// rule's regular expression runs only when they occur: tried only at them when every match starts at one
/// (<see cref="InjectionRule.Anchor"/>, most rules), otherwise on windows of <see cref="InjectionRule.Reach"/>
/// characters around them; either way a match must end within that reach of a trigger. Heuristic by nature: a
/// determined attacker can phrase around it, and the corpus it is tuned on is in the tests. Thread-safe.
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

    private static readonly SearchValues<char> Base64Characters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_");

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
    private static readonly bool[][] IsPrimaryTrigger = [.. PrimaryTriggerIds.Select(Flags)];

    // [rule][trigger]: for a rule whose matches start at a trigger word (InjectionRule.Anchor), whether a match can start
    // at this trigger; null for the others.
    private static readonly bool[]?[] IsAnchorTrigger = [.. Rules.Select((r, i) => r.Anchor switch
    {
        RuleAnchor.OwnTriggers or RuleAnchor.LineStart => IsPrimaryTrigger[i],
        RuleAnchor.SecondKind => Flags(IdsOf(r.AlsoRequired!)),
        _ => null,
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
        var scratch = ScoringScratch.Rent();
        var signals = scratch.Signals;
        var spans = scratch.Spans;
        var hits = scratch.Hits;
        ScoreRules(clean, hits, signals, spans);

        if (sanitized.TagMessage.Length > 0)
        {
            signals.Add((InjectionCategories.HiddenText, TagCharacterWeight));
            if (RulesScore(sanitized.TagMessage, scratch) >= DecodedThreshold)
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
            ScoreEncodedRuns(clean, scratch);
        }

        if (DecodeEncodedPayloads && clean.AsSpan().IndexOfAny(Rot13Hints) >= 0)
        {
            var rotSpans = scratch.DecodedSpans;
            rotSpans.Clear();
            if (RulesScore(Rot13(clean), scratch, rotSpans) >= DecodedThreshold)
            {
                signals.Add((InjectionCategories.EncodedPayload, Rot13PayloadWeight));
                spans.AddRange(rotSpans);
            }
        }

        return new InjectionAssessment(clean, Combine(signals), Findings(signals), MergeSpans(spans), sanitized);
    }

    private static bool[] Flags(int[] triggerIds)
    {
        var flags = new bool[Triggers.Triggers.Count];
        foreach (var id in triggerIds)
        {
            flags[id] = true;
        }

        return flags;
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
    private static double RulesScore(string text, ScoringScratch scratch, List<(int Start, int Length)>? spans = null)
    {
        var signals = scratch.DecodedSignals;
        signals.Clear();
        ScoreRules(text, scratch.Hits, signals, spans, spans is null ? DecodedThreshold : double.PositiveInfinity);
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
        text = UnspacedScriptSeparator.Separate(text);
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
                matched = IsAnchorTrigger[r] is { } anchors
                    ? MatchAtTriggers(rule, anchors, text, hits, spans)
                    : MatchWindows(rule, IsPrimaryTrigger[r], text, hits, spans);
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

    /// <summary>
    /// Tries <paramref name="rule"/>'s anchored pattern at each trigger hit a match can start at (see
    /// <see cref="InjectionRule.Anchor"/>). Without <paramref name="spans"/> it stops at the first match.
    /// </summary>
    internal static bool MatchAtTriggers(InjectionRule rule, bool[] isAnchor, string text, List<TriggerHit> hits, List<(int Start, int Length)>? spans)
    {
        var matched = false;
        var lastLineStart = -1;
        foreach (var hit in hits)
        {
            // A trigger that continues a word cannot start a match that begins at a word boundary; ASCII letters and
            // digits are word characters to the pattern too, so skipping them changes nothing.
            if (!isAnchor[hit.Trigger]
                || (rule.StartsAtWordBoundary && hit.Start > 0 && (char.IsAsciiLetterOrDigit(text[hit.Start - 1]) || text[hit.Start - 1] == '_')))
            {
                continue;
            }

            var at = hit.Start;
            if (rule.Anchor == RuleAnchor.LineStart)
            {
                // Once per line, and only for a line that has nothing but markers before the trigger word.
                at = LineStartBefore(text, hit.Start);
                if (at < 0 || at == lastLineStart)
                {
                    continue;
                }

                lastLineStart = at;
            }

            // As with windows, a match must end within Reach of its trigger word.
            var end = WindowEnd(text, (int)Math.Min(text.Length, (long)hit.Start + hit.Length + rule.Reach));
            var offset = rule.AnchoredBySlicing ? at : 0;
            var input = text.AsSpan(offset, end - offset);
            var start = at - offset;
            if (spans is null)
            {
                if (rule.AnchoredPattern.IsMatch(input, start))
                {
                    return true;
                }

                continue;
            }

            // Anchored, so the first match (if any) starts at the hit; matches found from overlapping hits are merged later.
            foreach (var match in rule.AnchoredPattern.EnumerateMatches(input, start))
            {
                matched = true;
                spans.Add((offset + match.Index, match.Length));
                break;
            }
        }

        return matched;
    }

    /// <summary>Whether the line holding <paramref name="position"/> has only white space and heading or list markers before it.</summary>
    internal static bool OnlyMarkersBefore(string text, int position) => LineStartBefore(text, position) >= 0;

    /// <summary>
    /// The start of the line holding <paramref name="position"/> when only white space and heading or list markers lie
    /// between them; otherwise -1.
    /// </summary>
    internal static int LineStartBefore(string text, int position)
    {
        for (var i = position - 1; i >= 0; i--)
        {
            var c = text[i];
            if (c is '\n' or '\r')
            {
                return i + 1;
            }

            if (c is not ('#' or '[' or '*') && !char.IsWhiteSpace(c))
            {
                return -1;
            }
        }

        return 0;
    }

    /// <summary>Moves a window's <paramref name="end"/> past the word it would cut, or "\b" would see a boundary the text does not have.</summary>
    private static int WindowEnd(string text, int end)
    {
        var limit = Math.Min(text.Length, end + 64);
        while (end < limit && char.IsLetterOrDigit(text[end]))
        {
            end++;
        }

        return end;
    }

    private static bool MatchWindow(InjectionRule rule, string text, int start, int end, List<(int Start, int Length)>? spans)
    {
        end = WindowEnd(text, end);

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

    /// <summary>Decodes every long base64 or hex run (see <see cref="FindEncodedRuns"/>) and scores what it says.</summary>
    private static void ScoreEncodedRuns(string text, ScoringScratch scratch)
    {
        var runs = scratch.Runs;
        runs.Clear();
        FindEncodedRuns(text, runs);
        var found = false;
        foreach (var (start, length) in runs)
        {
            if (Decode(text.AsSpan(start, length)) is { } decoded && RulesScore(decoded, scratch) >= DecodedThreshold)
            {
                scratch.Spans.Add((start, length));
                found = true;
            }
        }

        if (found)
        {
            scratch.Signals.Add((InjectionCategories.EncodedPayload, EncodedPayloadWeight));
        }
    }

    /// <summary>
    /// Adds every run of at least <see cref="MinEncodedLength"/> characters that could be base64 (standard or URL-safe)
    /// or hex to <paramref name="runs"/>. A run is a maximal stretch of base64 characters, except that while everything
    /// in it so far is hex, a single space followed by a hex digit continues it ("48 65 6c 6c 6f" is one run).
    /// </summary>
    /// <remarks>
    /// Prose is skipped a window at a time: a window of <see cref="MinEncodedLength"/> characters that holds a character
    /// no run can continue over (anything but base64, or a space not followed by a hex digit) lets the scan jump past its
    /// last such character, since every run before it is too short. Only windows with no such character are read one
    /// character at a time.
    /// </remarks>
    internal static void FindEncodedRuns(ReadOnlySpan<char> text, List<(int Start, int Length)> runs)
    {
        // Invariant: no run is in progress at i (it is 0, or the character before it ended one).
        var i = 0;
        while (i <= text.Length - MinEncodedLength)
        {
            var window = text.Slice(i, MinEncodedLength);
            var stop = window.LastIndexOfAnyExcept(Base64Characters);
            if (stop >= 0 && (window[stop] != ' ' || i + stop + 1 >= text.Length || !IsHexChar(text[i + stop + 1])))
            {
                i += stop + 1;
                continue;
            }

            i = ScanOneRun(text, i, runs);
        }
    }

    /// <summary>
    /// Reads one run character by character from <paramref name="from"/> (skipping what precedes it), adds it when it is
    /// long enough, and returns the index just past the character that ended it.
    /// </summary>
    private static int ScanOneRun(ReadOnlySpan<char> text, int from, List<(int Start, int Length)> runs)
    {
        var start = -1;
        var allHex = true;
        for (var i = from; i < text.Length; i++)
        {
            var c = text[i];
            var cls = c < 128 ? CharClasses[c] : 0;
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

            if (c == ' ' && allHex && i + 1 < text.Length && IsHexChar(text[i + 1]))
            {
                continue;
            }

            AddIfLong(start, i - start, runs);
            return i + 1;
        }

        if (start >= 0)
        {
            AddIfLong(start, text.Length - start, runs);
        }

        return text.Length;
    }

    private static void AddIfLong(int start, int length, List<(int Start, int Length)> runs)
    {
        if (length >= MinEncodedLength)
        {
            runs.Add((start, length));
        }
    }

    /// <summary>
    /// Decodes a run as hex (spaces ignored) or else as base64 (standard or URL-safe, padding optional), and returns the
    /// text when it reads as mostly printable UTF-8. Works in pooled buffers: most runs (keys, hashes, long words)
    /// decode to bytes that are not text, and those allocate nothing.
    /// </summary>
    private static string? Decode(ReadOnlySpan<char> run)
    {
        var compactBuffer = ArrayPool<char>.Shared.Rent(run.Length + 3);
        var bytesBuffer = ArrayPool<byte>.Shared.Rent(run.Length);
        try
        {
            var length = 0;
            foreach (var c in run)
            {
                if (c != ' ')
                {
                    compactBuffer[length++] = c;
                }
            }

            var compact = compactBuffer.AsSpan(0, length);
            if (length % 2 == 0 && compact.IndexOfAnyExcept(HexDigits) < 0)
            {
                return Convert.FromHexString(compact, bytesBuffer, out _, out var hexBytes) == OperationStatus.Done
                    ? Printable(bytesBuffer.AsSpan(0, hexBytes))
                    : null;
            }

            compact.Replace('-', '+');
            compact.Replace('_', '/');
            compact = compact.TrimEnd('=');
            var padded = compact.Length + ((4 - (compact.Length % 4)) % 4);
            compactBuffer.AsSpan(compact.Length, padded - compact.Length).Fill('=');
            return Convert.TryFromBase64Chars(compactBuffer.AsSpan(0, padded), bytesBuffer, out var written)
                ? Printable(bytesBuffer.AsSpan(0, written))
                : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytesBuffer);
            ArrayPool<char>.Shared.Return(compactBuffer);
        }
    }

    /// <summary>Returns the bytes as text when they read as mostly printable UTF-8, else <see langword="null"/>.</summary>
    private static string? Printable(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8)
        {
            return null;
        }

        var buffer = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(bytes.Length));
        try
        {
            var text = buffer.AsSpan(0, Encoding.UTF8.GetChars(bytes, buffer));
            var printable = 0;
            foreach (var c in text)
            {
                if (!char.IsControl(c) || c is '\n' or '\r' or '\t')
                {
                    printable += c == '\uFFFD' ? 0 : 1;
                }
            }

            return printable >= text.Length * 0.9 ? text.ToString() : null;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
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

    /// <summary>The spans sorted and merged where they overlap or touch, copied out of the scratch list.</summary>
    private static (int Start, int Length)[] MergeSpans(List<(int Start, int Length)> spans)
    {
        if (spans.Count == 0)
        {
            return [];
        }

        spans.Sort((a, b) => a.Start.CompareTo(b.Start));
        var merged = 0;
        for (var i = 1; i < spans.Count; i++)
        {
            var last = spans[merged];
            var (start, length) = spans[i];
            if (start <= last.Start + last.Length)
            {
                spans[merged] = (last.Start, Math.Max(last.Start + last.Length, start + length) - last.Start);
            }
            else
            {
                spans[++merged] = (start, length);
            }
        }

        return System.Runtime.InteropServices.CollectionsMarshal.AsSpan(spans)[..(merged + 1)].ToArray();
    }

    /// <summary>
    /// The lists one scoring call works in, kept per thread and reused: scoring is called for every message and
    /// passage, and these lists were most of what it allocated. A call never re-enters, so one set per thread suffices.
    /// </summary>
    private sealed class ScoringScratch
    {
        // A huge text grows the lists; past this many hits they are dropped rather than kept for the thread's life.
        private const int MaxRetainedHits = 4096;

        [ThreadStatic]
        private static ScoringScratch? t_current;

        public List<TriggerHit> Hits { get; } = [];

        public List<(string Category, double Weight)> Signals { get; } = [];

        public List<(int Start, int Length)> Spans { get; } = [];

        /// <summary>The signals of decoded or hidden text, scored on their own.</summary>
        public List<(string Category, double Weight)> DecodedSignals { get; } = [];

        /// <summary>The long base64 or hex runs of the text.</summary>
        public List<(int Start, int Length)> Runs { get; } = [];

        /// <summary>The spans of the rot13-decoded text.</summary>
        public List<(int Start, int Length)> DecodedSpans { get; } = [];

        /// <summary>This thread's lists, emptied.</summary>
        public static ScoringScratch Rent()
        {
            var scratch = t_current;
            if (scratch is null || scratch.Hits.Capacity > MaxRetainedHits)
            {
                t_current = scratch = new ScoringScratch();
            }

            scratch.Hits.Clear();
            scratch.Signals.Clear();
            scratch.Spans.Clear();
            return scratch;
        }
    }
}
