namespace Agents.Evaluation;

/// <summary>The adversarial rewrites of an input the robustness pass runs.</summary>
public enum AdversarialKind
{
    /// <summary>An instruction to ignore the task appended to the input.</summary>
    InstructionInjection,

    /// <summary>Typos: adjacent letters swapped in about one word in five (seeded).</summary>
    Typos,

    /// <summary>A long block of irrelevant text placed before the input.</summary>
    LongIrrelevantContext,

    /// <summary>An empty input.</summary>
    Empty,

    /// <summary>The input repeated up to <see cref="RobustnessOptions.OversizedCharacters"/>.</summary>
    Oversized,
}
