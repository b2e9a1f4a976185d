namespace Agents.Evaluation;

/// <summary>How <see cref="SemanticSimilarity"/> compared two texts.</summary>
public enum SimilarityMethod
{
    /// <summary>BERTScore-style greedy matching of token embeddings.</summary>
    TokenMatching,

    /// <summary>Cosine of the two sentence embeddings.</summary>
    SentenceCosine,
}
