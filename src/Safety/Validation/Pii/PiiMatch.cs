namespace Agents.Safety.Validation;

/// <summary>One piece of personal or secret data found in a text.</summary>
/// <param name="Kind">What it is (a single flag of <see cref="PiiKinds"/>).</param>
/// <param name="Start">Where it starts.</param>
/// <param name="Length">How long it is.</param>
public sealed record PiiMatch(PiiKinds Kind, int Start, int Length)
{
    /// <summary>Gets the index just past it.</summary>
    public int End => Start + Length;
}
