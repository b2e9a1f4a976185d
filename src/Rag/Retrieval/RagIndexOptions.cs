namespace Agents.Rag;

/// <summary>How a <see cref="RagIndex"/> holds its keyword index and vectors in memory.</summary>
public sealed class RagIndexOptions
{
    /// <summary>Gets or sets how vectors are held for the scan.</summary>
    /// <value><see cref="VectorQuantization.None"/>: exact float vectors.</value>
    public VectorQuantization Quantization { get; set; } = VectorQuantization.None;

    /// <summary>Gets or sets BM25's term-frequency saturation, k1.</summary>
    /// <value>1.2 by default.</value>
    public float Bm25K1 { get; set; } = 1.2f;

    /// <summary>Gets or sets BM25's length normalisation, b (0: none, 1: full).</summary>
    /// <value>0.75 by default.</value>
    public float Bm25B { get; set; } = 0.75f;
}
