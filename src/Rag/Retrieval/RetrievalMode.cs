namespace Agents.Rag;

/// <summary>Which searches a retriever runs.</summary>
public enum RetrievalMode
{
    /// <summary>Hybrid when an embedder is configured and the index has vectors; keyword (BM25) otherwise.</summary>
    Auto,

    /// <summary>BM25 over the keyword index only.</summary>
    Keyword,

    /// <summary>Cosine similarity over the embeddings only.</summary>
    Vector,

    /// <summary>Both, fused by reciprocal rank fusion.</summary>
    Hybrid,
}
