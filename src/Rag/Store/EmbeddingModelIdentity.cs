using Microsoft.Extensions.AI;

namespace Agents.Rag;

/// <summary>
/// Which embedding model filled a store: vectors from different models are not comparable even when their lengths
/// agree, so a store records the model that wrote its vectors and refuses another one's queries.
/// </summary>
/// <param name="Provider">The embedder's provider name (e.g. <c>onnx</c>, <c>llama.cpp</c>, <c>openai</c>).</param>
/// <param name="Model">The embedder's model id (e.g. <c>all-MiniLM-L6-v2</c>).</param>
/// <param name="Dimensions">The length of its vectors.</param>
public sealed record EmbeddingModelIdentity(string Provider, string Model, int Dimensions)
{
    /// <summary>
    /// Reads an embedder's identity from its <see cref="EmbeddingGeneratorMetadata"/>; <see langword="null"/> when it
    /// does not report a provider, model id and dimension count.
    /// </summary>
    /// <param name="embedder">The embedding generator.</param>
    /// <returns>Its identity, or <see langword="null"/> when it cannot tell.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="embedder"/> is <see langword="null"/>.</exception>
    public static EmbeddingModelIdentity? Of(IEmbeddingGenerator<string, Embedding<float>> embedder)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        return embedder.GetService<EmbeddingGeneratorMetadata>() is
        {
            ProviderName: { Length: > 0 } provider,
            DefaultModelId: { Length: > 0 } model,
            DefaultModelDimensions: > 0 and var dimensions,
        }
            ? new EmbeddingModelIdentity(provider, model, dimensions)
            : null;
    }

    /// <summary>Returns the identity as <c>provider/model (N dimensions)</c>.</summary>
    /// <returns>A readable description.</returns>
    public override string ToString() => $"{Provider}/{Model} ({Dimensions} dimensions)";
}
