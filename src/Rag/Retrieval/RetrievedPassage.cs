namespace Agents.Rag;

/// <summary>A chunk returned by a retriever, with where it comes from and how well it matched.</summary>
public sealed record RetrievedPassage
{
    /// <summary>Gets the chunk's stable id.</summary>
    public required string ChunkId { get; init; }

    /// <summary>Gets the source: the file's path relative to its ingested folder (or the record's key, for a vector store).</summary>
    public required string Source { get; init; }

    /// <summary>Gets the passage's text.</summary>
    public required string Text { get; init; }

    /// <summary>Gets the index of the passage's first character in the source document's text.</summary>
    public int Start { get; init; }

    /// <summary>Gets the index just past the passage's last character.</summary>
    public int End { get; init; }

    /// <summary>Gets the 1-based page the passage starts on, for paged formats.</summary>
    public int? Page { get; init; }

    /// <summary>Gets the heading path of the section the passage comes from.</summary>
    public string? HeadingPath { get; init; }

    /// <summary>
    /// Gets the score that ranked the passage: BM25 for keyword search, cosine similarity for vector search, the
    /// reciprocal-rank-fusion score for hybrid search, or the reranker's score.
    /// </summary>
    public double Score { get; init; }

    /// <summary>Gets the passage's 1-based rank in the keyword results, or <see langword="null"/> if not among them.</summary>
    public int? KeywordRank { get; init; }

    /// <summary>Gets the passage's 1-based rank in the vector results, or <see langword="null"/> if not among them.</summary>
    public int? VectorRank { get; init; }
}
