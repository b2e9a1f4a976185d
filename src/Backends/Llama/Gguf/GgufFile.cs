namespace Agents.Backends.Llama.Gguf;

/// <summary>The header of a GGUF file: version, metadata (in file order) and tensor directory.</summary>
/// <param name="Version">The format version (2 or 3).</param>
/// <param name="Metadata">The metadata key/value pairs, in the order they appear in the file.</param>
/// <param name="Tensors">The tensor directory, in file order.</param>
/// <param name="DataOffset">The absolute file offset of the tensor data section.</param>
internal sealed record GgufFile(
    uint Version,
    IReadOnlyList<KeyValuePair<string, GgufMetadataValue>> Metadata,
    IReadOnlyList<GgufTensorInfo> Tensors,
    long DataOffset)
{
    /// <summary>The default alignment of tensor data when <c>general.alignment</c> is absent.</summary>
    public const int DefaultAlignment = 32;

    /// <summary>Finds a metadata value by key.</summary>
    /// <param name="key">The key, e.g. <c>general.file_type</c>.</param>
    /// <returns>The value, or <see langword="null"/> when absent.</returns>
    public GgufMetadataValue? Find(string key)
    {
        foreach (var pair in Metadata)
        {
            if (pair.Key == key)
            {
                return pair.Value;
            }
        }

        return null;
    }
}
