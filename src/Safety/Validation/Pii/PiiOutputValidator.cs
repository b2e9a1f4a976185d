namespace Agents.Safety.Validation;

/// <summary>
/// Finds personal and secret data in answers with a <see cref="PiiDetector"/>: each find is a located violation
/// whose redaction is <c>[REDACTED:KIND]</c> (e.g. <c>[REDACTED:EMAIL]</c>). Use it with
/// <see cref="ValidationPolicy.Redact"/> to mask, or <see cref="ValidationPolicy.Reject"/> to refuse the answer.
/// Incremental: streams are checked as they go.
/// </summary>
public sealed class PiiOutputValidator : IIncrementalOutputValidator
{
    private readonly PiiDetector _detector;

    /// <summary>Creates the validator.</summary>
    /// <param name="kinds">What to look for; <see cref="PiiKinds.All"/> by default.</param>
    /// <param name="name">The validator's name.</param>
    /// <exception cref="ArgumentException"><paramref name="kinds"/> is <see cref="PiiKinds.None"/>.</exception>
    public PiiOutputValidator(PiiKinds kinds = PiiKinds.All, string name = "pii")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if ((kinds & PiiKinds.All) == PiiKinds.None)
        {
            throw new ArgumentException("Choose at least one kind of personal data to look for.", nameof(kinds));
        }

        Name = name;
        _detector = new PiiDetector(kinds);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Gets what the validator looks for.</summary>
    public PiiKinds Kinds => _detector.Kinds;

    /// <inheritdoc/>
    public int MaxViolationLength => PiiDetector.MaxMatchLength;

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ValidationViolation>> ValidateAsync(ValidationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult(Scan(context.Text));
    }

    /// <inheritdoc/>
    public IReadOnlyList<ValidationViolation> Scan(string text)
    {
        var found = _detector.Find(text);
        if (found.Count == 0)
        {
            return [];
        }

        var violations = new ValidationViolation[found.Count];
        for (var i = 0; i < found.Count; i++)
        {
            var match = found[i];
            var (code, message, redaction) = Describe(match.Kind);
            violations[i] = new ValidationViolation(Name, code, message, match.Start, match.Length, redaction);
        }

        return violations;
    }

    /// <summary>A kind's violation code, message and redaction, built once per kind rather than per find.</summary>
    /// <remarks>A find always carries exactly one kind of <see cref="PiiKinds.All"/>, so its bit indexes the table.</remarks>
    private static (string Code, string Message, string Redaction) Describe(PiiKinds kind) =>
        Descriptions[System.Numerics.BitOperations.TrailingZeroCount((uint)kind)];

    // [bit]: the description of the single kind (PiiKinds)(1 << bit), for every bit of PiiKinds.All.
    private static readonly (string Code, string Message, string Redaction)[] Descriptions =
        [.. Enumerable.Range(0, System.Numerics.BitOperations.Log2((uint)PiiKinds.All) + 1).Select(bit => DescriptionOf((PiiKinds)(1 << bit)))];

    private static (string Code, string Message, string Redaction) DescriptionOf(PiiKinds kind)
    {
        var label = PiiDetector.Label(kind);
        var code = label.ToLowerInvariant();
        return (code, $"the answer contains personal or secret data ({code})", $"[REDACTED:{label}]");
    }
}
