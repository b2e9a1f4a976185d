namespace Agents.Rag;

/// <summary>A position in a <see cref="RagIndex"/> with a score; ordered best first by <see cref="TopKCollector"/>.</summary>
/// <param name="Position">The chunk's position in the index.</param>
/// <param name="Score">The score (BM25, cosine similarity or fused).</param>
internal readonly record struct ScoredIndex(int Position, float Score);
