namespace Agents.Rag;

/// <summary>
/// An immutable in-memory snapshot of a store, ready to search: the chunks' text and metadata, a BM25 inverted
/// index, and the embeddings (when the chunks have them) in one contiguous array.
/// </summary>
/// <remarks>
/// Load it once and share it; queries are thread-safe. After ingesting again, load a new snapshot and hand it to
/// <see cref="LocalRetriever.ReplaceIndex"/>.
/// </remarks>
public sealed class RagIndex
{
    private readonly StoredChunk[] _chunks;

    private RagIndex(StoredChunk[] chunks, Bm25Index keyword, VectorIndex? vectors)
    {
        _chunks = chunks;
        Keyword = keyword;
        Vectors = vectors;
    }

    /// <summary>Gets how many chunks the index holds.</summary>
    public int Count => _chunks.Length;

    /// <summary>Gets the dimension of the chunks' embeddings, or <see langword="null"/> when they have none.</summary>
    public int? EmbeddingDimensions => Vectors?.Dimensions;

    /// <summary>Gets how many distinct keyword terms the index holds.</summary>
    public int VocabularySize => Keyword.VocabularySize;

    internal Bm25Index Keyword { get; }

    internal VectorIndex? Vectors { get; }

    /// <summary>Gets the chunk at <paramref name="position"/> (0 to <see cref="Count"/> − 1), without its embedding.</summary>
    /// <param name="position">The chunk's position.</param>
    /// <returns>The chunk.</returns>
    public StoredChunk this[int position] => _chunks[position];

    /// <summary>Loads every chunk of <paramref name="store"/> into a new index.</summary>
    /// <param name="store">The store.</param>
    /// <param name="options">How to hold the index; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The index.</returns>
    public static async Task<RagIndex> LoadAsync(SqliteRagStore store, RagIndexOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var chunks = new List<StoredChunk>();
        await foreach (var chunk in store.ReadChunksAsync(cancellationToken).ConfigureAwait(false))
        {
            chunks.Add(chunk);
        }

        return Build(chunks, options);
    }

    /// <summary>Builds an index over <paramref name="chunks"/>; chunk i gets position i.</summary>
    /// <param name="chunks">The chunks, with embeddings if they have any (all of one dimension).</param>
    /// <param name="options">How to hold the index; <see langword="null"/> for the defaults.</param>
    /// <returns>The index.</returns>
    /// <exception cref="ArgumentException">The embeddings do not all have the same dimension.</exception>
    public static RagIndex Build(IEnumerable<StoredChunk> chunks, RagIndexOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        options ??= new RagIndexOptions();
        var all = chunks.ToArray();
        var keyword = Bm25Index.Build(all.Select(c => c.Text).ToArray(), options.Bm25K1, options.Bm25B);
        VectorIndex? vectors = null;
        var dimensions = all.Select(c => c.Embedding?.Length ?? 0).Where(d => d > 0).Distinct().ToList();
        if (dimensions.Count > 1)
        {
            throw new ArgumentException($"The chunks' embeddings have different dimensions ({string.Join(", ", dimensions)}).", nameof(chunks));
        }

        if (dimensions.Count == 1)
        {
            vectors = new VectorIndex(all.Select(c => c.Embedding).ToArray(), dimensions[0], options.Quantization);
        }

        // The vectors now live in the flat array; dropping them from the records halves the memory.
        for (var i = 0; i < all.Length; i++)
        {
            if (all[i].Embedding is not null)
            {
                all[i] = all[i] with { Embedding = null };
            }
        }

        return new RagIndex(all, keyword, vectors);
    }
}
