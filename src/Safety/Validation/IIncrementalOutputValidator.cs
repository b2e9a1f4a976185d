namespace Agents.Safety.Validation;

/// <summary>
/// A validator that finds violations as located spans of text (PII, forbidden patterns, blocked words), so it can
/// check a stream piece by piece and its findings can be redacted. <see cref="ValidationGenerator"/> holds back the
/// last <see cref="MaxViolationLength"/> characters of a stream until this validator has seen what follows them.
/// </summary>
public interface IIncrementalOutputValidator : IOutputValidator
{
    /// <summary>Gets the longest text one violation can span, in characters: the hold-back window it needs.</summary>
    int MaxViolationLength { get; }

    /// <summary>Finds the violations in <paramref name="text"/>, with positions relative to it.</summary>
    /// <param name="text">A piece of the answer (or all of it).</param>
    /// <returns>Every violation found, each with <see cref="ValidationViolation.Start"/> and <see cref="ValidationViolation.Length"/> set.</returns>
    IReadOnlyList<ValidationViolation> Scan(string text);
}
