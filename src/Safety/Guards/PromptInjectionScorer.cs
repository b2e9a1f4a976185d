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
/// inside "ig​nore" does not hide it), and each rule's regular expression runs only when one of its trigger words
/// occurs. Heuristic by nature: a determined attacker can phrase around it, and the corpus it is tuned on is in the
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

    // Every trigger word of every rule, searched for in one pass over the lower-cased text.
    private static readonly string[] AllTriggers = [.. InjectionRules.All
        .SelectMany(r => r.Triggers.Concat(r.AlsoRequired ?? [])).Distinct(StringComparer.Ordinal)];

    private static readonly SearchValues<string> AllTriggerValues = SearchValues.Create(AllTriggers, StringComparison.Ordinal);

    private static readonly Dictionary<char, (string Trigger, int Id)[]> TriggersByFirstChar = AllTriggers
        .Select((t, id) => (Trigger: t, Id: id))
        .GroupBy(t => t.Trigger[0])
        .ToDictionary(g => g.Key, g => g.ToArray());

    private static readonly (int[] Triggers, int[]? AlsoRequired)[] RuleTriggerIds = [.. InjectionRules.All.Select(r => (
        r.Triggers.Select(t => Array.IndexOf(AllTriggers, t)).ToArray(),
        r.AlsoRequired?.Select(t => Array.IndexOf(AllTriggers, t)).ToArray()))];

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
        ScoreRules(clean, signals, spans);

        if (sanitized.TagMessage.Length > 0)
        {
            signals.Add((InjectionCategories.HiddenText, TagCharacterWeight));
            if (RulesScore(sanitized.TagMessage) >= DecodedThreshold)
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
            ScoreEncodedRuns(clean, signals, spans);
        }

        if (DecodeEncodedPayloads && clean.AsSpan().IndexOfAny(Rot13Hints) >= 0)
        {
            var rotSpans = new List<(int Start, int Length)>();
            if (RulesScore(Rot13(clean), rotSpans) >= DecodedThreshold)
            {
                signals.Add((InjectionCategories.EncodedPayload, Rot13PayloadWeight));
                spans.AddRange(rotSpans);
            }
        }

        var score = Combine(signals);
        var findings = signals.GroupBy(s => s.Category).OrderByDescending(g => g.Max(s => s.Weight)).Select(g => g.Key).ToList();
        return new InjectionAssessment(clean, score, findings, MergeSpans(spans), sanitized);
    }

    private static double RulesScore(string text, List<(int Start, int Length)>? spans = null)
    {
        var signals = new List<(string, double)>();
        ScoreRules(text, signals, spans ?? []);
        return Combine(signals);
    }

    private static void ScoreRules(string text, List<(string Category, double Weight)> signals, List<(int Start, int Length)> spans)
    {
        var span = text.AsSpan();
        var present = PresentTriggers(text);
        var rules = InjectionRules.All;
        for (var r = 0; r < rules.Count; r++)
        {
            var rule = rules[r];
            var (triggers, alsoRequired) = RuleTriggerIds[r];
            if (!AnyPresent(present, triggers) || (alsoRequired is not null && !AnyPresent(present, alsoRequired)))
            {
                continue;
            }

            try
            {
                var matched = false;
                foreach (var match in rule.Pattern.EnumerateMatches(span))
                {
                    matched = true;
                    spans.Add((match.Index, match.Length));
                }

                if (matched)
                {
                    signals.Add((rule.Category, rule.Weight));
                }
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
            {
                // Text built to make a rule backtrack is itself suspicious: count the rule as matched.
                signals.Add((rule.Category, rule.Weight));
            }
        }
    }

    /// <summary>Marks which trigger words occur in <paramref name="text"/>: one vectorised search, then a check at each hit.</summary>
    private static bool[] PresentTriggers(string text)
    {
        var present = new bool[AllTriggers.Length];
        var lower = text.ToLowerInvariant();
        var position = 0;
        while (position < lower.Length)
        {
            var found = lower.AsSpan(position).IndexOfAny(AllTriggerValues);
            if (found < 0)
            {
                break;
            }

            position += found;
            var rest = lower.AsSpan(position);
            foreach (var (trigger, id) in TriggersByFirstChar[lower[position]])
            {
                if (rest.StartsWith(trigger, StringComparison.Ordinal))
                {
                    present[id] = true;
                }
            }

            position++;
        }

        return present;
    }

    private static bool AnyPresent(bool[] present, int[] ids)
    {
        foreach (var id in ids)
        {
            if (present[id])
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Finds long base64 or hex runs, decodes them and scores what they say.</summary>
    private static void ScoreEncodedRuns(string text, List<(string Category, double Weight)> signals, List<(int Start, int Length)> spans)
    {
        var found = false;
        var i = 0;
        while (i < text.Length)
        {
            if (!IsBase64Char(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && (IsBase64Char(text[i]) || (text[i] == ' ' && i + 1 < text.Length && IsHexChar(text[i + 1]) && IsHexRun(text, start, i))))
            {
                i++;
            }

            var length = i - start;
            if (length >= MinEncodedLength && Decode(text.AsSpan(start, length)) is { } decoded && RulesScore(decoded) >= DecodedThreshold)
            {
                spans.Add((start, length));
                found = true;
            }
        }

        if (found)
        {
            signals.Add((InjectionCategories.EncodedPayload, EncodedPayloadWeight));
        }
    }

    private static bool IsHexRun(string text, int start, int end)
    {
        for (var k = start; k < end; k++)
        {
            if (text[k] != ' ' && !IsHexChar(text[k]))
            {
                return false;
            }
        }

        return true;
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

    private static bool IsBase64Char(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '-' or '_';

    private static bool IsHexChar(char c) => char.IsAsciiHexDigit(c);

    private static double Combine(List<(string Category, double Weight)> signals)
    {
        var clean = 1.0;
        foreach (var (_, weight) in signals)
        {
            clean *= 1 - weight;
        }

        return Math.Round(1 - clean, 4);
    }

    private static List<(int Start, int Length)> MergeSpans(List<(int Start, int Length)> spans)
    {
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
