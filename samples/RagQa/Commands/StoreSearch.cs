using Agents.Backends.Onnx;
using Agents.Rag;
using Microsoft.Extensions.AI;

namespace Agents.Samples.RagQa;

/// <summary>
/// What <c>search</c> and <c>ask</c> share: the store's index loaded, the search mode resolved (hybrid by default when
/// the store has embeddings) and, when the mode needs vectors, the embedding model that filled the store loaded.
/// </summary>
internal sealed class StoreSearch : IDisposable
{
    private StoreSearch(LocalRetriever retriever, RetrievalMode mode, IEmbeddingGenerator<string, Embedding<float>>? embedder)
    {
        Retriever = retriever;
        Mode = mode;
        Embedder = embedder;
    }

    public LocalRetriever Retriever { get; }

    public RetrievalMode Mode { get; }

    public IEmbeddingGenerator<string, Embedding<float>>? Embedder { get; }

    /// <summary>Loads the index and, if needed, the embedder; throws <see cref="InvalidOperationException"/> with the fix when the mode cannot run.</summary>
    public static async Task<StoreSearch> OpenAsync(ParsedCommand command, SqliteRagStore store, CancellationToken cancellationToken)
    {
        var index = await Decorations.WithStatusAsync(command, "Loading the index", () => RagIndex.LoadAsync(store, cancellationToken: cancellationToken));
        var mode = command.Mode switch
        {
            SearchMode.Bm25 => RetrievalMode.Keyword,
            SearchMode.Vector => RetrievalMode.Vector,
            SearchMode.Hybrid => RetrievalMode.Hybrid,
            _ => index.EmbeddingDimensions is null ? RetrievalMode.Keyword : RetrievalMode.Hybrid,
        };
        if (mode == RetrievalMode.Keyword)
        {
            return new StoreSearch(new LocalRetriever(index), mode, null);
        }

        if (index.EmbeddingDimensions is null)
        {
            throw new InvalidOperationException(
                $"--mode {command.Mode?.ToString().ToLowerInvariant()} needs embeddings, and this store has none: re-run ingest without --no-embeddings, or use --mode bm25.");
        }

        var embedder = await Decorations.WithStatusAsync(command, $"Loading the embedding model ({MiniLmEmbeddingGenerator.ModelName})", () => Task.FromResult(new MiniLmEmbeddingGenerator()));
        try
        {
            await store.EnsureEmbeddingModelAsync(EmbeddingModelIdentity.Of(embedder)!, cancellationToken);
            return new StoreSearch(new LocalRetriever(index, embedder), mode, embedder);
        }
        catch
        {
            embedder.Dispose();
            throw;
        }
    }

    public void Dispose() => Embedder?.Dispose();
}
