namespace Agents.Evaluation;

/// <summary>
/// An embedding model that returns one contextual vector per token, which BERTScore needs. An
/// <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c> offers it through its <c>GetService</c>;
/// without it <see cref="SemanticSimilarity"/> falls back to sentence-embedding cosine.
/// </summary>
public interface ITokenEmbeddingGenerator
{
    /// <summary>Embeds every token of <paramref name="text"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One vector per token, in order (special tokens excluded).</returns>
    Task<IReadOnlyList<ReadOnlyMemory<float>>> EmbedTokensAsync(string text, CancellationToken cancellationToken = default);
}
