namespace Agents.Rag;

/// <summary>
/// Re-orders retrieved candidates with a stronger (slower) relevance model, such as a cross-encoder or an LLM judge.
/// </summary>
public interface IReranker
{
    /// <summary>Orders <paramref name="candidates"/> by relevance to <paramref name="query"/>.</summary>
    /// <param name="query">The query.</param>
    /// <param name="candidates">The fused candidates, best first by the first-stage score.</param>
    /// <param name="cancellationToken">Cancels the reranking.</param>
    /// <returns>
    /// The candidates (or a subset) best first; the retriever keeps the first <see cref="RetrievalOptions.TopK"/>.
    /// Set <see cref="RetrievedPassage.Score"/> to the reranker's score.
    /// </returns>
    Task<IReadOnlyList<RetrievedPassage>> RerankAsync(string query, IReadOnlyList<RetrievedPassage> candidates, CancellationToken cancellationToken = default);
}
