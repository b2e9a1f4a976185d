namespace Agents.Evaluation;

/// <summary>One query's retrieval outcome.</summary>
/// <param name="Retrieved">The retrieved ids, best first.</param>
/// <param name="Relevant">The ids judged relevant.</param>
public sealed record RetrievalJudgement(IReadOnlyList<string> Retrieved, IReadOnlySet<string> Relevant);
