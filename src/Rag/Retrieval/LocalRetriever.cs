using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace Agents.Rag;

/// <summary>
/// Retrieves from an in-memory <see cref="RagIndex"/>: BM25 alone when there is no embedder; with one, exact cosine
/// search over the vectors fused with BM25 by reciprocal rank fusion; then optional MMR and an optional reranker.
/// </summary>
/// <remarks>Thread-safe. <see cref="ReplaceIndex"/> swaps in a fresh snapshot without disturbing running queries.</remarks>
public sealed class LocalRetriever : IRetriever
{
    private readonly IEmbeddingGenerator<string, Embedding<float>>? _embedder;
    private readonly IReranker? _reranker;
    private RagIndex _index;

    /// <summary>Creates a retriever.</summary>
    /// <param name="index">The index to search.</param>
    /// <param name="embedder">Embeds queries for vector search (the one the store was ingested with); <see langword="null"/> for keyword search only.</param>
    /// <param name="reranker">Re-orders the fused candidates; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="index"/> is <see langword="null"/>.</exception>
    public LocalRetriever(RagIndex index, IEmbeddingGenerator<string, Embedding<float>>? embedder = null, IReranker? reranker = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        _index = index;
        _embedder = embedder;
        _reranker = reranker;
    }

    /// <summary>Gets the index being searched.</summary>
    public RagIndex Index => Volatile.Read(ref _index);

    /// <summary>Searches <paramref name="index"/> from now on (for example after ingesting again).</summary>
    /// <param name="index">The new snapshot.</param>
    public void ReplaceIndex(RagIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        Volatile.Write(ref _index, index);
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">
    /// Vector or hybrid search was asked for without an embedder, or the index has no embeddings.
    /// </exception>
    public async Task<IReadOnlyList<RetrievedPassage>> RetrieveAsync(string query, RetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        options ??= new RetrievalOptions();
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var index = Index;
        var mode = ResolveMode(options.Mode, index);
        var allowed = AllowedPositions(index, options.Filter);
        var needsCandidates = options.UseMmr || _reranker is not null || mode == RetrievalMode.Hybrid;
        var candidateCount = needsCandidates ? options.EffectiveCandidateCount : options.TopK;

        List<ScoredIndex> keyword = mode is RetrievalMode.Keyword or RetrievalMode.Hybrid
            ? index.Keyword.Search(query, candidateCount, allowed)
            : [];
        List<ScoredIndex> vector = [];
        if (mode is RetrievalMode.Vector or RetrievalMode.Hybrid)
        {
            var embedding = await _embedder!.GenerateAsync(query, cancellationToken: cancellationToken).ConfigureAwait(false);
            vector = index.Vectors!.Search(embedding.Vector.Span, candidateCount, allowed);
        }

        var candidates = mode switch
        {
            RetrievalMode.Keyword => keyword.Select((s, i) => new FusedCandidate(s.Position, s.Score, i + 1, null)).ToList(),
            RetrievalMode.Vector => vector.Select((s, i) => new FusedCandidate(s.Position, s.Score, null, i + 1)).ToList(),
            _ => ReciprocalRankFusion.Fuse(keyword, vector, options.RrfK),
        };

        if (options.UseMmr && candidates.Count > options.TopK)
        {
            candidates = Diversify(index, candidates, options.TopK, options.MmrLambda);
        }

        var passages = candidates.Select(c => ToPassage(index, c)).ToList();
        if (_reranker is not null)
        {
            var reranked = await _reranker.RerankAsync(query, passages, cancellationToken).ConfigureAwait(false);
            return [.. reranked.Take(options.TopK)];
        }

        return [.. passages.Take(options.TopK)];
    }

    private RetrievalMode ResolveMode(RetrievalMode requested, RagIndex index)
    {
        var vectorsUsable = _embedder is not null && index.Vectors is not null;
        if (requested == RetrievalMode.Auto)
        {
            return vectorsUsable ? RetrievalMode.Hybrid : RetrievalMode.Keyword;
        }

        if (requested is RetrievalMode.Vector or RetrievalMode.Hybrid && !vectorsUsable)
        {
            throw new InvalidOperationException(_embedder is null
                ? $"{requested} retrieval needs an embedder; create the retriever with one, or use {nameof(RetrievalMode.Keyword)} retrieval."
                : $"{requested} retrieval needs embeddings in the index; ingest with an embedder, or use {nameof(RetrievalMode.Keyword)} retrieval.");
        }

        return requested;
    }

    private static bool[]? AllowedPositions(RagIndex index, RetrievalFilter? filter)
    {
        if (filter is null)
        {
            return null;
        }

        var matches = filter.CreateMatcher();
        var allowed = new bool[index.Count];
        for (var i = 0; i < allowed.Length; i++)
        {
            allowed[i] = matches(index[i]);
        }

        return allowed;
    }

    private static List<FusedCandidate> Diversify(RagIndex index, List<FusedCandidate> candidates, int k, double lambda)
    {
        Func<int, int, double> similarity;
        if (index.Vectors is { } vectors && candidates.TrueForAll(c => vectors.HasVector(c.Position)))
        {
            similarity = (a, b) => Math.Max(0, TensorPrimitives.Dot(vectors.Vector(candidates[a].Position), vectors.Vector(candidates[b].Position)));
        }
        else
        {
            // Without vectors, similarity is the Jaccard overlap of the passages' keyword terms.
            var terms = candidates.Select(c => Bm25Index.Terms(index[c.Position].Text)).ToList();
            similarity = (a, b) =>
            {
                var union = terms[a].Count + terms[b].Count;
                if (union == 0)
                {
                    return 0;
                }

                var shared = terms[a].Count(terms[b].Contains);
                return (double)shared / (union - shared);
            };
        }

        var selected = MaximalMarginalRelevance.Select(candidates.Select(c => c.Score).ToList(), similarity, k, lambda);
        return selected.Select(i => candidates[i]).ToList();
    }

    private static RetrievedPassage ToPassage(RagIndex index, FusedCandidate candidate)
    {
        var chunk = index[candidate.Position];
        return new RetrievedPassage
        {
            ChunkId = chunk.Id,
            Source = chunk.Source,
            Text = chunk.Text,
            Start = chunk.Start,
            End = chunk.End,
            Page = chunk.Page,
            HeadingPath = chunk.HeadingPath,
            Score = candidate.Score,
            KeywordRank = candidate.KeywordRank,
            VectorRank = candidate.VectorRank,
        };
    }
}
