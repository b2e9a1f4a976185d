namespace Agents.Evaluation;

/// <summary>How BLEU treats an n-gram order with no match (Chen and Cherry, 2014).</summary>
public enum BleuSmoothing
{
    /// <summary>No smoothing: one order without a match makes the score 0 (corpus BLEU as published).</summary>
    None,

    /// <summary>An order with no match counts <see cref="BleuOptions.Epsilon"/> matches instead of 0 (Chen and Cherry's method 1).</summary>
    Epsilon,

    /// <summary>Every order above unigrams counts (matches + 1) / (total + 1) (Lin and Och, 2004; Chen and Cherry's method 2).</summary>
    AddOne,
}
