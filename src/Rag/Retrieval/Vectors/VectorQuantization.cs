namespace Agents.Rag;

/// <summary>How <see cref="RagIndex"/> holds vectors for the scan.</summary>
public enum VectorQuantization
{
    /// <summary>32-bit floats: exact cosine similarity.</summary>
    None,

    /// <summary>
    /// 8-bit integers with a scale per vector: a quarter of the memory traffic for the scan; the best candidates
    /// are then re-scored exactly with the float vectors, so the top results match the exact scan almost always.
    /// </summary>
    Int8,
}
