namespace Agents.Safety.Guards;

/// <summary>What <see cref="PromptInjectionScorer"/> found in one text.</summary>
/// <param name="Text">The text that was scored, with invisible characters removed; <see cref="Spans"/> index into it.</param>
/// <param name="Score">The injection score in [0, 1]: 1 − ∏(1 − weight) over the signals found.</param>
/// <param name="Findings">The categories found (<see cref="InjectionCategories"/>), each once, strongest first.</param>
/// <param name="Spans">Where the suspicious text is in <paramref name="Text"/>, sorted and not overlapping; what the strip policy removes.</param>
/// <param name="Sanitized">What the invisible-character sanitiser removed.</param>
public sealed record InjectionAssessment(
    string Text, double Score, IReadOnlyList<string> Findings, IReadOnlyList<(int Start, int Length)> Spans, SanitizedText Sanitized);
