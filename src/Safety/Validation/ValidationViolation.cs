namespace Agents.Safety.Validation;

/// <summary>One thing a validator found wrong with an answer.</summary>
/// <remarks>
/// <see cref="Description"/> never quotes the offending text (it is safe to log and to put in an exception); the
/// position says where it is.
/// </remarks>
/// <param name="Validator">The validator's name.</param>
/// <param name="Code">A short, stable kind, e.g. <c>email</c>, <c>schema</c>, <c>max-characters</c>.</param>
/// <param name="Description">What is wrong, without the offending text.</param>
/// <param name="Start">Where the offending text starts, or -1 when the violation is about the whole answer.</param>
/// <param name="Length">How long the offending text is; 0 when the violation is about the whole answer.</param>
/// <param name="Replacement">What redaction puts in its place, e.g. <c>[REDACTED:EMAIL]</c>; <see langword="null"/> for <see cref="DefaultReplacement"/>.</param>
public sealed record ValidationViolation(
    string Validator, string Code, string Description, int Start = -1, int Length = 0, string? Replacement = null)
{
    /// <summary>The text redaction uses when a violation names no replacement.</summary>
    public const string DefaultReplacement = "[REDACTED]";

    /// <summary>Gets whether the violation names a span of the answer.</summary>
    public bool HasSpan => Start >= 0;

    /// <summary>Gets the index just past the offending text.</summary>
    public int End => Start + Length;

    /// <summary>Gets the violation moved by <paramref name="offset"/> characters.</summary>
    /// <param name="offset">How far to move it.</param>
    /// <returns>The moved violation.</returns>
    public ValidationViolation Shift(int offset) => offset == 0 || !HasSpan ? this : this with { Start = Start + offset };

    /// <inheritdoc/>
    public override string ToString() => HasSpan
        ? $"{Validator}/{Code}: {Description} (characters {Start}-{End})"
        : $"{Validator}/{Code}: {Description}";
}
