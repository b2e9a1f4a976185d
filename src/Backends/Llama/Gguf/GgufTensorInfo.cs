namespace Agents.Backends.Llama.Gguf;

/// <summary>A tensor's entry in a GGUF header.</summary>
/// <param name="Name">The tensor's name, e.g. <c>blk.0.attn_q.weight</c>.</param>
/// <param name="Dimensions">The dimensions in ggml order (innermost, contiguous dimension first).</param>
/// <param name="Type">The element type.</param>
/// <param name="Offset">The offset of its data from the start of the data section.</param>
internal sealed record GgufTensorInfo(string Name, IReadOnlyList<long> Dimensions, GgufTensorType Type, long Offset)
{
    /// <summary>Gets the number of elements.</summary>
    public long ElementCount => Dimensions.Aggregate(1L, (product, d) => product * d);
}
