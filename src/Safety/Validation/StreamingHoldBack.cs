using System.Text;

namespace Agents.Safety.Validation;

/// <summary>
/// The hold-back window of one validated stream: accumulates raw text, runs the incremental validators over the
/// unreleased tail (plus one window of context before it) and releases only text that no violation can still touch.
/// </summary>
/// <remarks>
/// Text at position p is released once the stream has reached p + window and no violation found so far (complete
/// or still growing at the end of the text) starts at or before p. A violation of at most <c>window</c> characters
/// therefore never has any of its characters released: rejection throws before, redaction swaps it out. One
/// instance per stream; not thread-safe.
/// </remarks>
internal sealed class StreamingHoldBack(IReadOnlyList<ValidatorRegistration> incremental, int window)
{
    private readonly StringBuilder _raw = new();
    private readonly StringBuilder _released = new();
    private int _consumed;

    /// <summary>Gets the text released so far, redactions applied.</summary>
    public string ReleasedText => _released.ToString();

    /// <summary>Gets how many characters have been released.</summary>
    public int ReleasedLength => _released.Length;

    /// <summary>Gets every redaction made so far.</summary>
    public List<ValidationViolation> Redactions { get; } = [];

    /// <summary>Adds text from the stream.</summary>
    public void Append(string text) => _raw.Append(text);

    /// <summary>
    /// Works out what can be released now. Returns the text to release, or the rejecting violations (then nothing is
    /// released). With <paramref name="final"/>, everything left is settled.
    /// </summary>
    public (string Release, List<(ValidatorRegistration Registration, ValidationViolation Violation)> Rejections) Advance(bool final)
    {
        var end = _raw.Length;
        var horizon = final ? end : end - window;
        var rejections = new List<(ValidatorRegistration, ValidationViolation)>();
        if (horizon <= _consumed && !final)
        {
            return (string.Empty, rejections);
        }

        var scanFrom = Math.Max(0, _consumed - window);
        var text = _raw.ToString(scanFrom, end - scanFrom);
        var limit = horizon;
        var stableRedactions = new List<ValidationViolation>();
        var stableRejections = new List<(ValidatorRegistration, ValidationViolation)>();
        foreach (var registration in incremental)
        {
            foreach (var found in ((IIncrementalOutputValidator)registration.Validator).Scan(text))
            {
                var violation = found.Shift(scanFrom);
                if (violation.End <= _consumed)
                {
                    continue; // Wholly inside text already dealt with (or a false edge at the scan's start).
                }

                if (violation.Start < _consumed)
                {
                    // Longer than the window: its beginning has gone out already; deal with the rest.
                    violation = violation with { Start = _consumed, Length = violation.End - _consumed };
                }

                if (violation.End > horizon)
                {
                    limit = Math.Min(limit, violation.Start); // Still growing: hold everything from its start.
                }
                else if (registration.Policy == ValidationPolicy.Redact)
                {
                    stableRedactions.Add(violation);
                }
                else
                {
                    stableRejections.Add((registration, violation));
                }
            }
        }

        foreach (var (registration, violation) in stableRejections)
        {
            if (violation.Start < limit && !SpanRedaction.Overlaps(violation, stableRedactions))
            {
                rejections.Add((registration, violation));
            }
        }

        if (rejections.Count > 0)
        {
            return (string.Empty, rejections);
        }

        var release = new StringBuilder();
        foreach (var (start, spanEnd, replacement) in SpanRedaction.Merge(stableRedactions.Where(r => r.Start < limit)))
        {
            release.Append(_raw, _consumed, start - _consumed).Append(replacement);
            _consumed = spanEnd;
        }

        Redactions.AddRange(stableRedactions.Where(r => r.Start < limit));
        if (limit > _consumed)
        {
            release.Append(_raw, _consumed, limit - _consumed);
            _consumed = limit;
        }

        return (release.ToString(), rejections);
    }

    /// <summary>Marks <paramref name="text"/> as released to the caller.</summary>
    public void Commit(string text) => _released.Append(text);
}
