namespace Agents.Evaluation;

/// <summary>A BLEU score with the figures it is made of.</summary>
/// <param name="Score">BLEU = BP · exp(Σₙ (1/N) · ln pₙ), in [0, 1].</param>
/// <param name="Precisions">The modified (clipped) n-gram precisions p₁…p_N, after smoothing.</param>
/// <param name="BrevityPenalty">BP = 1 when c &gt; r, else exp(1 − r / c) (0 when c = 0).</param>
/// <param name="CandidateLength">c: the candidate tokens (summed over a corpus).</param>
/// <param name="ReferenceLength">r: the closest reference length per candidate (shorter on a tie), summed.</param>
public sealed record BleuScore(double Score, IReadOnlyList<double> Precisions, double BrevityPenalty, int CandidateLength, int ReferenceLength);
