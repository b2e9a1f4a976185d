namespace Agents.Evaluation;

/// <summary>The outcome of a pairwise comparison.</summary>
public enum PairwiseWinner
{
    /// <summary>Neither response is better, or the judge contradicted itself under the tie rule.</summary>
    Tie,

    /// <summary>Response A is better.</summary>
    A,

    /// <summary>Response B is better.</summary>
    B,
}
