using System.Globalization;

namespace Agents.Backends.Llama.Gguf;

/// <summary>The shape of a llama-architecture model, as its GGUF metadata describes it.</summary>
/// <param name="BlockCount">Transformer blocks (<c>llama.block_count</c>).</param>
/// <param name="EmbeddingLength">Embedding width (<c>llama.embedding_length</c>).</param>
/// <param name="FeedForwardLength">Feed-forward width (<c>llama.feed_forward_length</c>).</param>
/// <param name="HeadCount">Attention heads (<c>llama.attention.head_count</c>).</param>
/// <param name="KvHeadCount">Key/value heads (<c>llama.attention.head_count_kv</c>); fewer than heads is grouped-query attention.</param>
/// <param name="ContextLength">Trained context length (<c>llama.context_length</c>).</param>
internal sealed record LlamaModelShape(
    int BlockCount,
    int EmbeddingLength,
    int FeedForwardLength,
    int HeadCount,
    int KvHeadCount,
    int ContextLength)
{
    /// <summary>A shape of realistic proportions (about 60M parameters with a 32k vocabulary) for benchmarks.</summary>
    public static LlamaModelShape Benchmark { get; } = new(8, 512, 1536, 8, 8, 4096);

    /// <summary>Gets the width of one head.</summary>
    public int HeadDimension => EmbeddingLength / HeadCount;

    /// <summary>Gets the width of the key and value projections.</summary>
    public int KvWidth => HeadDimension * KvHeadCount;

    /// <summary>Throws when the shape cannot describe a working llama model.</summary>
    /// <exception cref="ArgumentException">A size is not positive, or the heads do not divide the widths evenly.</exception>
    public void Validate()
    {
        if (BlockCount < 1 || EmbeddingLength < 1 || FeedForwardLength < 1 || HeadCount < 1 || KvHeadCount < 1 || ContextLength < 1)
        {
            throw new ArgumentException($"Every size of the model shape must be positive: {this}.");
        }

        if (EmbeddingLength % HeadCount != 0 || HeadDimension % 2 != 0)
        {
            throw new ArgumentException(string.Create(
                CultureInfo.InvariantCulture,
                $"The embedding width {EmbeddingLength} must split into {HeadCount} heads of an even width (rotary embeddings rotate pairs)."));
        }

        if (HeadCount % KvHeadCount != 0)
        {
            throw new ArgumentException(string.Create(
                CultureInfo.InvariantCulture, $"The head count {HeadCount} must be a multiple of the KV head count {KvHeadCount}."));
        }
    }
}
