using System.Linq.Expressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace Agents.Rag;

/// <summary>
/// Retrieves from any <c>Microsoft.Extensions.VectorData</c> collection — Qdrant, PostgreSQL/pgvector, Azure AI
/// Search, Redis… — for corpora that outgrow one machine's memory. The collection does the vector search; the
/// mapping turns its records into passages, so citations, prompt assembly and <see cref="RetrievalGenerator"/> work
/// unchanged.
/// </summary>
/// <typeparam name="TRecord">The collection's record type.</typeparam>
/// <remarks>
/// Vector search only: keyword fusion and MMR are the in-memory <see cref="LocalRetriever"/>'s; a collection that
/// supports hybrid search does its own. <see cref="RetrievalOptions.Filter"/> is applied to the mapped passages
/// after the search (the collection is asked for <see cref="RetrievalOptions.CandidateCount"/> results); push
/// selective filters down with <see cref="StoreFilter"/> instead.
/// </remarks>
public sealed class VectorStoreRetriever<TRecord> : IRetriever
    where TRecord : class
{
    private readonly IVectorSearchable<TRecord> _collection;
    private readonly Func<TRecord, RetrievedPassage> _toPassage;
    private readonly IEmbeddingGenerator<string, Embedding<float>>? _embedder;
    private readonly IReranker? _reranker;

    /// <summary>Creates a retriever over <paramref name="collection"/>.</summary>
    /// <param name="collection">The collection (a <c>VectorStoreCollection&lt;TKey, TRecord&gt;</c> is one).</param>
    /// <param name="toPassage">Maps a record to a passage (source, text, character range, page, heading); the score is filled in.</param>
    /// <param name="embedder">
    /// Embeds queries; <see langword="null"/> to pass the query text and let the collection's own embedding generator do it.
    /// </param>
    /// <param name="reranker">Re-orders the results; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="collection"/> or <paramref name="toPassage"/> is <see langword="null"/>.</exception>
    public VectorStoreRetriever(
        IVectorSearchable<TRecord> collection,
        Func<TRecord, RetrievedPassage> toPassage,
        IEmbeddingGenerator<string, Embedding<float>>? embedder = null,
        IReranker? reranker = null)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(toPassage);
        _collection = collection;
        _toPassage = toPassage;
        _embedder = embedder;
        _reranker = reranker;
    }

    /// <summary>Gets or sets a filter the collection applies before its vector search.</summary>
    public Expression<Func<TRecord, bool>>? StoreFilter { get; set; }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<RetrievedPassage>> RetrieveAsync(string query, RetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        options ??= new RetrievalOptions();
        options.Validate();
        var needsCandidates = options.Filter is not null || _reranker is not null;
        var top = needsCandidates ? options.EffectiveCandidateCount : options.TopK;
        var searchOptions = new VectorSearchOptions<TRecord> { Filter = StoreFilter };
        var results = _embedder is null
            ? _collection.SearchAsync(query, top, searchOptions, cancellationToken)
            : _collection.SearchAsync(
                (await _embedder.GenerateAsync(query, cancellationToken: cancellationToken).ConfigureAwait(false)).Vector,
                top,
                searchOptions,
                cancellationToken);

        var matches = options.Filter?.CreateMatcher();
        var passages = new List<RetrievedPassage>();
        await foreach (var result in results.ConfigureAwait(false))
        {
            var passage = _toPassage(result.Record) with { Score = result.Score ?? 0, VectorRank = passages.Count + 1, KeywordRank = null };
            if (matches is null || matches(ToChunk(passage)))
            {
                passages.Add(passage);
            }
        }

        if (_reranker is not null)
        {
            passages = [.. await _reranker.RerankAsync(query, passages, cancellationToken).ConfigureAwait(false)];
        }

        return [.. passages.Take(options.TopK)];
    }

    private static StoredChunk ToChunk(RetrievedPassage passage) => new()
    {
        Id = passage.ChunkId,
        Source = passage.Source,
        Index = 0,
        Start = passage.Start,
        End = passage.End,
        Text = passage.Text,
        Page = passage.Page,
        HeadingPath = passage.HeadingPath,
    };
}
