namespace Agents.Rag;

/// <summary>A candidate after fusion: its position, fused score and its rank in each search (1-based).</summary>
internal readonly record struct FusedCandidate(int Position, double Score, int? KeywordRank, int? VectorRank);
