namespace Agents.Evaluation;

/// <summary>How the two judgements (A first, then B first) combine into one outcome.</summary>
public enum PairwiseTieRule
{
    /// <summary>
    /// A response wins only when both orders pick it; anything else (opposite picks, or a pick and a tie) is a tie.
    /// The safest rule against position bias.
    /// </summary>
    Strict,

    /// <summary>
    /// A pick in one order and a tie in the other is a win for the pick; opposite picks are still a tie.
    /// </summary>
    Lenient,
}
