using System.Globalization;
using System.Runtime.InteropServices;

namespace Agents.Backends.Llama.Gguf;

/// <summary>
/// Writes a llama-architecture GGUF model of any shape with random weights and a real vocabulary taken from another
/// GGUF file: a model of realistic size for benchmarks and quantization tests that nobody has to download or commit.
/// </summary>
/// <remarks>
/// Tensor names, shapes and metadata keys follow llama.cpp's <c>LLM_ARCH_LLAMA</c> loader. Weights are uniform in
/// ±1/√fan-in (so activations stay bounded), norms are 1, and the same seed always gives the same file.
/// </remarks>
internal static class RandomLlamaModelWriter
{
    private const int ChunkElements = 1 << 16;

    /// <summary>Writes the model.</summary>
    /// <param name="path">The destination; written through a temporary file.</param>
    /// <param name="shape">The model's shape.</param>
    /// <param name="vocabularySourcePath">A llama GGUF model whose <c>tokenizer.*</c> metadata is copied.</param>
    /// <param name="weightType">F32 or F16 for the matrices (norms are always F32, as llama.cpp expects).</param>
    /// <param name="seed">The random seed.</param>
    /// <param name="cancellationToken">Checked between tensors.</param>
    /// <exception cref="ArgumentException">The shape is invalid or the type is not F32/F16.</exception>
    /// <exception cref="InvalidDataException">The vocabulary source is not a GGUF file with a tokenizer.</exception>
    public static void Write(
        string path,
        LlamaModelShape shape,
        string vocabularySourcePath,
        GgufTensorType weightType = GgufTensorType.F16,
        int seed = 42,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape.Validate();
        if (weightType is not (GgufTensorType.F32 or GgufTensorType.F16))
        {
            throw new ArgumentException($"Random models are written as F32 or F16, not {weightType}.", nameof(weightType));
        }

        var source = GgufReader.ReadHeader(vocabularySourcePath);
        var tokens = source.Find("tokenizer.ggml.tokens")?.Value as string[]
            ?? throw new InvalidDataException($"'{vocabularySourcePath}' has no tokenizer.ggml.tokens array.");
        long vocabulary = tokens.Length;

        var writer = new GgufWriter()
            .Add("general.architecture", GgufMetadataValue.String("llama"))
            .Add("general.name", GgufMetadataValue.String(string.Create(
                CultureInfo.InvariantCulture, $"random-llama-{shape.BlockCount}x{shape.EmbeddingLength}")))
            .Add("llama.context_length", GgufMetadataValue.UInt32((uint)shape.ContextLength))
            .Add("llama.embedding_length", GgufMetadataValue.UInt32((uint)shape.EmbeddingLength))
            .Add("llama.block_count", GgufMetadataValue.UInt32((uint)shape.BlockCount))
            .Add("llama.feed_forward_length", GgufMetadataValue.UInt32((uint)shape.FeedForwardLength))
            .Add("llama.rope.dimension_count", GgufMetadataValue.UInt32((uint)shape.HeadDimension))
            .Add("llama.attention.head_count", GgufMetadataValue.UInt32((uint)shape.HeadCount))
            .Add("llama.attention.head_count_kv", GgufMetadataValue.UInt32((uint)shape.KvHeadCount))
            .Add("llama.attention.layer_norm_rms_epsilon", GgufMetadataValue.Float32(1e-5f))
            .Add("llama.vocab_size", GgufMetadataValue.UInt32((uint)vocabulary))
            .Add("general.file_type", GgufMetadataValue.UInt32(weightType == GgufTensorType.F32 ? 0u : 1u));
        foreach (var (key, value) in source.Metadata)
        {
            if (key.StartsWith("tokenizer.", StringComparison.Ordinal))
            {
                writer.Add(key, value);
            }
        }

        long embedding = shape.EmbeddingLength;
        long feedForward = shape.FeedForwardLength;
        var tensorIndex = 0;
        void Matrix(string name, long inner, long outer) =>
            writer.AddTensor(name, [inner, outer], weightType, RandomData(inner * outer, 1f / MathF.Sqrt(inner), weightType, seed + tensorIndex++));
        void Norm(string name) =>
            writer.AddTensor(name, [embedding], GgufTensorType.F32, Ones(embedding));

        Matrix("token_embd.weight", embedding, vocabulary);
        for (var block = 0; block < shape.BlockCount; block++)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"blk.{block}.");
            Norm(prefix + "attn_norm.weight");
            Matrix(prefix + "attn_q.weight", embedding, embedding);
            Matrix(prefix + "attn_k.weight", embedding, shape.KvWidth);
            Matrix(prefix + "attn_v.weight", embedding, shape.KvWidth);
            Matrix(prefix + "attn_output.weight", embedding, embedding);
            Norm(prefix + "ffn_norm.weight");
            Matrix(prefix + "ffn_gate.weight", embedding, feedForward);
            Matrix(prefix + "ffn_up.weight", embedding, feedForward);
            Matrix(prefix + "ffn_down.weight", feedForward, embedding);
        }

        Norm("output_norm.weight");
        Matrix("output.weight", embedding, vocabulary);
        writer.WriteTo(path, cancellationToken);
    }

    private static Action<Stream> Ones(long count) => stream =>
    {
        var values = new float[count];
        Array.Fill(values, 1f);
        stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    };

    private static Action<Stream> RandomData(long count, float scale, GgufTensorType type, int seed) => stream =>
    {
#pragma warning disable CA5394 // Weights of a synthetic test model, not a security use.
        var random = new Random(seed);
        var floats = new float[ChunkElements];
        var halves = type == GgufTensorType.F16 ? new Half[ChunkElements] : null;
        for (var done = 0L; done < count; done += ChunkElements)
        {
            var n = (int)Math.Min(ChunkElements, count - done);
            for (var i = 0; i < n; i++)
            {
                floats[i] = ((random.NextSingle() * 2f) - 1f) * scale;
            }
#pragma warning restore CA5394

            if (halves is null)
            {
                stream.Write(MemoryMarshal.AsBytes(floats.AsSpan(0, n)));
            }
            else
            {
                for (var i = 0; i < n; i++)
                {
                    halves[i] = (Half)floats[i];
                }

                stream.Write(MemoryMarshal.AsBytes(halves.AsSpan(0, n)));
            }
        }
    };
}
