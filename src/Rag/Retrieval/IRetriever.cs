namespace Agents.Rag;

/// <summary>Finds the passages that best answer a query.</summary>
/// <remarks>Implementations are safe to call concurrently.</remarks>
public interface IRetriever
{
    /// <summary>Retrieves passages for <paramref name="query"/>, best first.</summary>
    /// <param name="query">The question or search text.</param>
    /// <param name="options">Options; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the retrieval.</param>
    /// <returns>At most <see cref="RetrievalOptions.TopK"/> passages, best first.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="OperationCanceledException">The retrieval was cancelled.</exception>
    Task<IReadOnlyList<RetrievedPassage>> RetrieveAsync(string query, RetrievalOptions? options = null, CancellationToken cancellationToken = default);
}
