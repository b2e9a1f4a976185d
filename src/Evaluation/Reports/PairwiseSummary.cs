namespace Agents.Evaluation;

/// <summary>The pairwise judge's tally of one candidate against the baseline.</summary>
/// <param name="Baseline">Candidate A.</param>
/// <param name="Candidate">Candidate B.</param>
/// <param name="WinsA">Items A won.</param>
/// <param name="WinsB">Items B won.</param>
/// <param name="Ties">Ties (including the judge contradicting itself across orders under the strict rule).</param>
/// <param name="Failed">Items the judge gave no verdict on.</param>
/// <param name="ConsistencyRate">Share of verdicts where both orders agreed.</param>
public sealed record PairwiseSummary(string Baseline, string Candidate, int WinsA, int WinsB, int Ties, int Failed, double ConsistencyRate);
