namespace Agents.Evaluation;

/// <summary>A pairwise judge's verdict after judging both orders.</summary>
/// <param name="Winner">The combined outcome under the tie rule.</param>
/// <param name="FirstOrder">The judgement with A shown first (already in A/B terms).</param>
/// <param name="SwappedOrder">The judgement with B shown first (already in A/B terms).</param>
/// <param name="FirstRationale">The judge's rationale with A first.</param>
/// <param name="SwappedRationale">The judge's rationale with B first.</param>
public sealed record PairwiseVerdict(PairwiseWinner Winner, PairwiseWinner FirstOrder, PairwiseWinner SwappedOrder, string FirstRationale, string SwappedRationale)
{
    /// <summary>Gets a value indicating whether the two orders agreed (a sign the judge is not swayed by position).</summary>
    public bool Consistent => FirstOrder == SwappedOrder;
}
