using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace Agents.Evaluation;

/// <summary>
/// Semantic similarity through any <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>.
/// When the generator offers <see cref="ITokenEmbeddingGenerator"/> (through <c>GetService</c>), BERTScore
/// (Zhang et al., 2020) without idf weighting: with x the candidate's token vectors and y the reference's,
/// P = (1/|x|) Σᵢ maxⱼ cos(xᵢ, yⱼ), R = (1/|y|) Σⱼ maxᵢ cos(xᵢ, yⱼ), F1 = 2PR / (P + R).
/// Otherwise the cosine of the two sentence embeddings, u·v / (|u| |v|).
/// </summary>
public sealed class SemanticSimilarity
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embedder;
    private readonly ITokenEmbeddingGenerator? _tokens;

    /// <summary>Creates the metric over an embedding generator.</summary>
    /// <param name="embedder">The embedding model.</param>
    /// <exception cref="ArgumentNullException"><paramref name="embedder"/> is <see langword="null"/>.</exception>
    public SemanticSimilarity(IEmbeddingGenerator<string, Embedding<float>> embedder)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        _embedder = embedder;
        _tokens = embedder.GetService(typeof(ITokenEmbeddingGenerator)) as ITokenEmbeddingGenerator;
    }

    /// <summary>Gets the method this instance uses.</summary>
    public SimilarityMethod Method => _tokens is null ? SimilarityMethod.SentenceCosine : SimilarityMethod.TokenMatching;

    /// <summary>Compares a candidate with a reference.</summary>
    /// <param name="candidate">The generated text.</param>
    /// <param name="reference">The reference text.</param>
    /// <param name="cancellationToken">Cancels the embedding calls.</param>
    /// <returns>Precision, recall and F1 (all the cosine under sentence comparison).</returns>
    /// <exception cref="ArgumentNullException">A text is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The embedder returned the wrong number of vectors.</exception>
    public async Task<SimilarityScore> ScoreAsync(string candidate, string reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(reference);
        if (candidate.Length == 0 || reference.Length == 0)
        {
            var same = candidate.Length == reference.Length ? 1 : 0;
            return new SimilarityScore(Method, same, same, same);
        }

        if (_tokens is not null)
        {
            var x = await _tokens.EmbedTokensAsync(candidate, cancellationToken).ConfigureAwait(false);
            var y = await _tokens.EmbedTokensAsync(reference, cancellationToken).ConfigureAwait(false);
            return BertScore(x, y);
        }

        var embeddings = await _embedder.GenerateAsync([candidate, reference], cancellationToken: cancellationToken).ConfigureAwait(false);
        if (embeddings.Count != 2)
        {
            throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} vectors for 2 texts.");
        }

        var cosine = Cosine(embeddings[0].Vector, embeddings[1].Vector);
        return new SimilarityScore(SimilarityMethod.SentenceCosine, cosine, cosine, cosine);
    }

    /// <summary>BERTScore of two lists of token vectors (greedy matching, no idf weighting).</summary>
    /// <param name="candidate">The candidate's token vectors.</param>
    /// <param name="reference">The reference's token vectors.</param>
    /// <returns>Precision, recall and F1.</returns>
    /// <exception cref="ArgumentNullException">A list is <see langword="null"/>.</exception>
    public static SimilarityScore BertScore(IReadOnlyList<ReadOnlyMemory<float>> candidate, IReadOnlyList<ReadOnlyMemory<float>> reference)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(reference);
        if (candidate.Count == 0 || reference.Count == 0)
        {
            return new SimilarityScore(SimilarityMethod.TokenMatching, 0, 0, 0);
        }

        var similarity = new double[candidate.Count, reference.Count];
        for (var i = 0; i < candidate.Count; i++)
        {
            for (var j = 0; j < reference.Count; j++)
            {
                similarity[i, j] = Cosine(candidate[i], reference[j]);
            }
        }

        var precision = Enumerable.Range(0, candidate.Count).Average(i => Enumerable.Range(0, reference.Count).Max(j => similarity[i, j]));
        var recall = Enumerable.Range(0, reference.Count).Average(j => Enumerable.Range(0, candidate.Count).Max(i => similarity[i, j]));
        var f1 = precision + recall <= 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new SimilarityScore(SimilarityMethod.TokenMatching, precision, recall, f1);
    }

    /// <summary>The cosine of two vectors; 0 when either is all zeros.</summary>
    /// <param name="left">A vector.</param>
    /// <param name="right">A vector of the same length.</param>
    /// <returns>The cosine in [−1, 1].</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static double Cosine(ReadOnlyMemory<float> left, ReadOnlyMemory<float> right)
    {
        if (left.Length != right.Length)
        {
            throw new ArgumentException($"Vectors of different lengths ({left.Length} and {right.Length}).", nameof(right));
        }

        var cosine = TensorPrimitives.CosineSimilarity(left.Span, right.Span);
        return float.IsNaN(cosine) ? 0 : cosine;
    }
}
