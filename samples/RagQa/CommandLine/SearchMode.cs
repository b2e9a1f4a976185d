namespace Agents.Samples.RagQa;

/// <summary>The <c>--mode</c> of <c>search</c> and <c>ask</c>.</summary>
internal enum SearchMode
{
    /// <summary>BM25 and vectors fused by reciprocal rank: the default when the store has embeddings.</summary>
    Hybrid,

    /// <summary>Keywords only: the default when the store has no embeddings.</summary>
    Bm25,

    /// <summary>Vectors only.</summary>
    Vector,
}
