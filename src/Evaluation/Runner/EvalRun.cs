namespace Agents.Evaluation;

/// <summary>Everything a run produced: the input to the reports.</summary>
/// <param name="Items">The dataset.</param>
/// <param name="Candidates">The candidates' names, the first being the baseline.</param>
/// <param name="Results">Every item result (original inputs and variants), including those resumed from an earlier run.</param>
/// <param name="Pairwise">The pairwise judgements.</param>
/// <param name="Seed">The run seed.</param>
public sealed record EvalRun(IReadOnlyList<EvalItem> Items, IReadOnlyList<string> Candidates, IReadOnlyList<ItemResult> Results, IReadOnlyList<PairwiseResult> Pairwise, int Seed)
{
    /// <summary>Gets the results for the original inputs (no variant).</summary>
    public IEnumerable<ItemResult> Baseline => Results.Where(r => r.Variant is null);
}
