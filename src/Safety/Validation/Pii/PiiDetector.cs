using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Agents.Safety.Validation;

/// <summary>
/// Finds personal and secret data in text: candidates by pattern, then confirmed by checksum or structure (Luhn for
/// cards, mod-97 and country length for IBANs, never-issued ranges for SSNs, address parsing for IPv6, character
/// mix and entropy for unnamed secrets). Overlapping finds keep the earliest, longest one.
/// </summary>
/// <remarks>Thread-safe; patterns are compiled once by the regex source generator.</remarks>
public sealed partial class PiiDetector
{
    /// <summary>The longest text one find is expected to span, in characters (a spaced IBAN is at most 42).</summary>
    public const int MaxMatchLength = 64;

    private const int MinSecretLength = 32;
    private const int MinCardDigits = 13;
    private const int MaxCardDigits = 19;
    private const int MinPhoneDigits = 8;
    private const int MaxPhoneDigits = 15;
    private const int SsnDigits = 9;
    private const int MinIpv4Digits = 4;
    private const double MinSecretEntropyBitsPerChar = 4.0;

    // [c] = c·log2(c), for the entropy of a run (see LooksLikeSecret); 0 for counts 0 and 1.
    private static readonly double[] CountLog2Count = [.. Enumerable.Range(0, 257).Select(c => c < 2 ? 0.0 : c * Math.Log2(c))];

    // Cheap vectorised pre-checks: a pattern runs only when the text holds what every match of it must contain.
    private static readonly SearchValues<string> SecretPrefixes = SearchValues.Create(
        ["sk-", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "AKIA", "ASIA", "xox", "AIza", "glpat-", "_live_", "hf_", "eyJ"], StringComparison.Ordinal);

    private static readonly SearchValues<string> SecretKeywords = SearchValues.Create(
        ["key", "secret", "token", "bearer", "password", "passwd", "pwd"], StringComparison.OrdinalIgnoreCase);

    private static readonly SearchValues<char> EmailLocalCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-");

    private static readonly SearchValues<char> HexOrColon = SearchValues.Create("0123456789ABCDEFabcdef:");

    private static readonly SearchValues<char> SecretRunCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-");

    /// <summary>Creates a detector.</summary>
    /// <param name="kinds">What to look for; <see cref="PiiKinds.All"/> by default.</param>
    public PiiDetector(PiiKinds kinds = PiiKinds.All)
    {
        Kinds = kinds;
    }

    /// <summary>Gets what the detector looks for.</summary>
    public PiiKinds Kinds { get; }

    /// <summary>Finds every piece of personal or secret data in <paramref name="text"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The finds, by position, none overlapping.</returns>
    public IReadOnlyList<PiiMatch> Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<PiiMatch>();

        // Every number-shaped find needs a least number of ASCII digits (a card 13, an SSN 9, a phone 8, an IPv4
        // address 4): a text with fewer skips those patterns.
        var digits = CountDigits(text, MinCardDigits);
        var hasDigits = digits > 0;
        if (digits >= MinCardDigits && Has(PiiKinds.PaymentCard))
        {
            FindCards(text, found);
        }

        if (hasDigits && Has(PiiKinds.Iban))
        {
            FindIbans(text, found);
        }

        if (digits >= SsnDigits && Has(PiiKinds.UsSsn) && text.Contains('-', StringComparison.Ordinal))
        {
            AddAll(SsnPattern(), text, PiiKinds.UsSsn, found);
        }

        if (Has(PiiKinds.Secret))
        {
            FindSecrets(text, found);
        }

        if (Has(PiiKinds.Email) && text.Contains('@', StringComparison.Ordinal))
        {
            FindEmails(text, found);
        }

        if (digits >= MinPhoneDigits && Has(PiiKinds.Phone))
        {
            FindPhones(text, found);
        }

        if (Has(PiiKinds.IpAddress))
        {
            if (digits >= MinIpv4Digits && text.Contains('.', StringComparison.Ordinal))
            {
                AddAll(Ipv4Pattern(), text, PiiKinds.IpAddress, found);
            }

            if (HasIpv6Candidate(text))
            {
                FindIpv6(text, found);
            }
        }

        return RemoveOverlaps(found);
    }

    /// <summary>Gets the short, upper-case label of a kind, as used in redactions (<c>[REDACTED:EMAIL]</c>).</summary>
    /// <param name="kind">A single kind.</param>
    /// <returns>The label.</returns>
    public static string Label(PiiKinds kind) => kind switch
    {
        PiiKinds.Email => "EMAIL",
        PiiKinds.Phone => "PHONE",
        PiiKinds.PaymentCard => "CARD",
        PiiKinds.Iban => "IBAN",
        PiiKinds.UsSsn => "SSN",
        PiiKinds.IpAddress => "IP",
        PiiKinds.Secret => "SECRET",
        _ => "PII",
    };

    private bool Has(PiiKinds kind) => (Kinds & kind) != 0;

    private static void AddAll(Regex pattern, string text, PiiKinds kind, List<PiiMatch> found)
    {
        foreach (var match in pattern.EnumerateMatches(text))
        {
            found.Add(new PiiMatch(kind, match.Index, match.Length));
        }
    }

    private static void FindCards(string text, List<PiiMatch> found)
    {
        foreach (var match in CardPattern().EnumerateMatches(text))
        {
            var candidate = text.AsSpan(match.Index, match.Length);

            // A longer digit run can hide a card at its start ("4111 1111 1111 1111 2"): try the longest prefix first.
            for (var end = candidate.Length; end > 0; end--)
            {
                if (!char.IsAsciiDigit(candidate[end - 1]))
                {
                    continue;
                }

                var prefix = candidate[..end];
                var digits = CountDigits(prefix);
                if (digits < MinCardDigits)
                {
                    break;
                }

                if (digits <= MaxCardDigits && prefix[0] is >= '2' and <= '6' && LuhnCheck.IsValid(prefix))
                {
                    found.Add(new PiiMatch(PiiKinds.PaymentCard, match.Index, end));
                    break;
                }
            }
        }
    }

    private static void FindIbans(string text, List<PiiMatch> found)
    {
        foreach (var match in IbanPattern().EnumerateMatches(text))
        {
            var candidate = text.AsSpan(match.Index, match.Length);
            if (IbanCheck.LengthOf(candidate[..2].ToString().ToUpperInvariant()) is not { } length)
            {
                continue;
            }

            // Take exactly the country's number of characters; anything after them is other text.
            var taken = 0;
            var end = 0;
            while (end < candidate.Length && taken < length)
            {
                if (candidate[end] != ' ')
                {
                    taken++;
                }

                end++;
            }

            if (taken == length && IbanCheck.IsValid(candidate[..end]))
            {
                found.Add(new PiiMatch(PiiKinds.Iban, match.Index, end));
            }
        }
    }

    private static void FindPhones(string text, List<PiiMatch> found)
    {
        foreach (var match in PhonePattern().EnumerateMatches(text))
        {
            var digits = CountDigits(text.AsSpan(match.Index, match.Length));
            if (digits is >= MinPhoneDigits and <= MaxPhoneDigits)
            {
                found.Add(new PiiMatch(PiiKinds.Phone, match.Index, match.Length));
            }
        }
    }

    /// <summary>
    /// Runs the e-mail pattern only where a match can start. A match holds exactly one '@' and, because of its
    /// look-behind, starts where the run of local-part characters before that '@' starts; so each '@' gives one
    /// start to try with the <c>\G</c>-anchored pattern instead of scanning the whole text for a start.
    /// </summary>
    private static void FindEmails(string text, List<PiiMatch> found)
    {
        var span = text.AsSpan();
        var searchFrom = 0;
        var lastEnd = 0;
        while (searchFrom < span.Length)
        {
            var at = span[searchFrom..].IndexOf('@');
            if (at < 0)
            {
                break;
            }

            at += searchFrom;
            var start = span[..at].LastIndexOfAnyExcept(EmailLocalCharacters) + 1;
            searchFrom = at + 1;
            if (at - start is < 1 or > 64 || start < lastEnd)
            {
                continue;
            }

            var match = EmailAtPattern().Match(text, start);
            if (match.Success)
            {
                found.Add(new PiiMatch(PiiKinds.Email, match.Index, match.Length));
                lastEnd = match.Index + match.Length;
                searchFrom = Math.Max(searchFrom, lastEnd);
            }
        }
    }

    /// <summary>
    /// Whether the text holds a run of hex digits and colons with at least two colons: every IPv6 candidate lies in
    /// such a run, so prose colons ("Note: ...", "10:30") skip the candidate pattern.
    /// </summary>
    internal static bool HasIpv6Candidate(ReadOnlySpan<char> text)
    {
        var position = 0;
        while (position < text.Length)
        {
            var colon = text[position..].IndexOf(':');
            if (colon < 0)
            {
                return false;
            }

            colon += position;
            var start = text[..colon].LastIndexOfAnyExcept(HexOrColon) + 1;
            var end = text[colon..].IndexOfAnyExcept(HexOrColon);
            end = end < 0 ? text.Length : colon + end;
            if (text[start..end].Count(':') >= 2)
            {
                return true;
            }

            position = end + 1;
        }

        return false;
    }

    private static void FindIpv6(string text, List<PiiMatch> found)
    {
        foreach (var match in Ipv6CandidatePattern().EnumerateMatches(text))
        {
            var candidate = text.AsSpan(match.Index, match.Length);
            if (candidate.Count(':') >= 2
                && IPAddress.TryParse(candidate, out var address)
                && address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                found.Add(new PiiMatch(PiiKinds.IpAddress, match.Index, match.Length));
            }
        }
    }

    private static void FindSecrets(string text, List<PiiMatch> found)
    {
        var span = text.AsSpan();
        if (span.IndexOfAny(SecretPrefixes) >= 0)
        {
            AddAll(KnownTokenPattern(), text, PiiKinds.Secret, found);
        }

        if (text.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            AddAll(PrivateKeyPattern(), text, PiiKinds.Secret, found);
        }

        if (span.IndexOfAny(SecretKeywords) >= 0)
        {
            foreach (Match match in SecretAssignmentPattern().Matches(text))
            {
                var value = match.Groups["value"];
                found.Add(new PiiMatch(PiiKinds.Secret, value.Index, value.Length));
            }
        }

        // Long runs of token characters, found by a vectorised scan rather than a regex: only a run of at least
        // MinSecretLength characters can be a secret, so a window of that many characters holding a separator lets the
        // scan jump past the separator without looking at the short words before it.
        var i = 0;
        while (i <= span.Length - MinSecretLength)
        {
            var separator = span.Slice(i, MinSecretLength).LastIndexOfAnyExcept(SecretRunCharacters);
            if (separator >= 0)
            {
                i += separator + 1;
                continue;
            }

            var start = i;
            var length = span[start..].IndexOfAnyExcept(SecretRunCharacters);
            length = length < 0 ? span.Length - start : length;
            var end = start + length;
            while (end < span.Length && end - start < length + 2 && span[end] == '=')
            {
                end++;
            }

            var before = start > 0 ? span[start - 1] : ' ';
            var after = end < span.Length ? span[end] : ' ';
            if (length >= MinSecretLength && before != '=' && !SecretRunCharacters.Contains(after) && after != '='
                && LooksLikeSecret(span[start..(start + length)]))
            {
                found.Add(new PiiMatch(PiiKinds.Secret, start, end - start));
            }

            // Not end + 1: after '=' padding, span[end] may start the next run, whose first character must not be skipped.
            i = end;
        }
    }

    /// <summary>A long run that mixes upper case, lower case and digits with high per-character entropy.</summary>
    internal static bool LooksLikeSecret(ReadOnlySpan<char> value)
    {
        if (value.Length < MinSecretLength)
        {
            return false;
        }

        bool upper = false, lower = false, digit = false;
        Span<int> counts = stackalloc int[128];
        foreach (var c in value)
        {
            upper |= char.IsAsciiLetterUpper(c);
            lower |= char.IsAsciiLetterLower(c);
            digit |= char.IsAsciiDigit(c);
            counts[c & 127]++;
        }

        if (!(upper && lower && digit))
        {
            return false;
        }

        // H = −Σ (c/n)·log2(c/n) = log2(n) − Σ c·log2(c) / n, with c·log2(c) looked up: a logarithm per distinct
        // character was most of the cost of checking a run.
        var weighted = 0.0;
        foreach (var count in counts)
        {
            weighted += count < CountLog2Count.Length ? CountLog2Count[count] : count * Math.Log2(count);
        }

        var entropy = Math.Log2(value.Length) - (weighted / value.Length);
        return entropy >= MinSecretEntropyBitsPerChar;
    }

    /// <summary>Counts the ASCII digits of <paramref name="text"/>, stopping at <paramref name="atMost"/>; a vectorised search jumps between them.</summary>
    private static int CountDigits(ReadOnlySpan<char> text, int atMost)
    {
        var n = 0;
        var position = text.IndexOfAnyInRange('0', '9');
        while (position >= 0 && ++n < atMost)
        {
            var next = text[(position + 1)..].IndexOfAnyInRange('0', '9');
            position = next < 0 ? -1 : position + 1 + next;
        }

        return n;
    }

    private static int CountDigits(ReadOnlySpan<char> text)
    {
        var n = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                n++;
            }
        }

        return n;
    }

    private static List<PiiMatch> RemoveOverlaps(List<PiiMatch> found)
    {
        if (found.Count < 2)
        {
            return found;
        }

        found.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
        var kept = new List<PiiMatch>(found.Count);
        foreach (var match in found)
        {
            if (kept.Count == 0 || match.Start >= kept[^1].End)
            {
                kept.Add(match);
            }
        }

        return kept;
    }

    [GeneratedRegex(@"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9][A-Za-z0-9-]{0,62})*\.[A-Za-z]{2,24}(?![A-Za-z0-9-])", RegexOptions.CultureInvariant)]
    internal static partial Regex EmailPattern();

    // The same pattern anchored where the search starts (see FindEmails); EmailPattern is the whole-text reference the tests compare with.
    [GeneratedRegex(@"\G(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9][A-Za-z0-9-]{0,62})*\.[A-Za-z]{2,24}(?![A-Za-z0-9-])", RegexOptions.CultureInvariant)]
    private static partial Regex EmailAtPattern();

    [GeneratedRegex(@"(?<![\d-])\d(?:[ -]?\d){12,22}(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex CardPattern();

    [GeneratedRegex(@"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,34}(?![a-z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex IbanPattern();

    [GeneratedRegex(@"(?<![0-9-])(?!000|666|9[0-9][0-9])[0-9]{3}-(?!00)[0-9]{2}-(?!0000)[0-9]{4}(?![0-9-])", RegexOptions.CultureInvariant)]
    private static partial Regex SsnPattern();

    [GeneratedRegex(
        @"(?<![\w+])(?:\+[1-9]\d{0,2}(?:[ .-]?\(?\d{1,5}\)?){1,6}|\(\d{3}\) ?\d{3}[-. ]\d{4}|\d{3}[-. ]\d{3}[-. ]\d{4}|0\d{1,4}(?:[ .-]\d{2,8}){1,4})(?![\w])",
        RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"(?<![0-9.])(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?![0-9]|\.[0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv4Pattern();

    [GeneratedRegex(@"(?<![\w:])(?=[0-9A-Fa-f:]*::?[0-9A-Fa-f]*:)[0-9A-Fa-f:]{3,39}(?:(?<=:)\d{1,3}(?:\.\d{1,3}){3})?(?![\w:])", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv6CandidatePattern();

    [GeneratedRegex(
        @"(?<![A-Za-z0-9_-])(?:sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|(?:AKIA|ASIA)[0-9A-Z]{16}|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35}|glpat-[A-Za-z0-9_-]{20,}|[sr]k_live_[A-Za-z0-9]{20,}|hf_[A-Za-z0-9]{30,}|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})",
        RegexOptions.CultureInvariant)]
    private static partial Regex KnownTokenPattern();

    [GeneratedRegex(@"-----BEGIN [A-Z ]{0,20}PRIVATE KEY-----", RegexOptions.CultureInvariant)]
    private static partial Regex PrivateKeyPattern();

    [GeneratedRegex(
        @"\b(?:api[_-]?key|secret(?:[_-]?key)?|access[_-]?token|auth[_-]?token|bearer|password|passwd|pwd|client[_-]?secret)\b[""']?\s*[:=]\s*[""']?(?<value>[^\s""',;\[][^\s""',;]{7,})",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex SecretAssignmentPattern();
}
