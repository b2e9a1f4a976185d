using System.Text;

namespace Agents.Backends.Llama.Loading;

/// <summary>
/// Reads a GGUF file's header, metadata and tensor directory (not the tensor data) to find where the tensor data
/// must end, so a file cut short can be refused before llama.cpp reads it; llama.cpp notices this for models but,
/// in the build LLamaSharp 0.30.0 ships, not for every truncated LoRA adapter.
/// </summary>
internal static class GgufTensorDataBounds
{
    private const int DefaultAlignment = 32;

    // ggml type → (elements per block, bytes per block), for the types adapters and models commonly use. A type not
    // listed makes the check give up rather than guess.
    private static readonly Dictionary<uint, (int Block, int Bytes)> s_typeSizes = new()
    {
        [0] = (1, 4), [1] = (1, 2), [2] = (32, 18), [3] = (32, 20), [6] = (32, 22), [7] = (32, 24), [8] = (32, 34),
        [10] = (256, 84), [11] = (256, 110), [12] = (256, 144), [13] = (256, 176), [14] = (256, 210), [30] = (1, 2),
    };

    /// <summary>Computes the byte offset at which the file's tensor data ends.</summary>
    /// <param name="path">The GGUF file.</param>
    /// <returns>The end offset, or <see langword="null"/> when the directory is unreadable or uses a type this check does not know.</returns>
    public static long? RequiredLength(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            reader.ReadUInt32(); // magic, checked by GgufFileCheck
            reader.ReadUInt32(); // version
            var tensorCount = reader.ReadUInt64();
            var metadataCount = reader.ReadUInt64();
            var alignment = DefaultAlignment;
            for (ulong i = 0; i < metadataCount; i++)
            {
                var key = ReadString(reader);
                var type = reader.ReadUInt32();
                if (key == "general.alignment" && type == 4)
                {
                    alignment = (int)reader.ReadUInt32();
                }
                else
                {
                    SkipValue(reader, type);
                }
            }

            long end = 0;
            for (ulong i = 0; i < tensorCount; i++)
            {
                ReadString(reader);
                var dimensions = reader.ReadUInt32();
                long elements = 1;
                for (var d = 0; d < dimensions; d++)
                {
                    elements = checked(elements * (long)reader.ReadUInt64());
                }

                var type = reader.ReadUInt32();
                var offset = (long)reader.ReadUInt64();
                if (!s_typeSizes.TryGetValue(type, out var size))
                {
                    return null;
                }

                end = Math.Max(end, offset + (elements / size.Block * size.Bytes));
            }

            var dataStart = (stream.Position + alignment - 1) / alignment * alignment;
            return dataStart + end;
        }
        catch (Exception ex) when (ex is IOException or OverflowException or ArgumentException or InvalidDataException)
        {
            return null;
        }
    }

    private static string ReadString(BinaryReader reader)
    {
        var length = reader.ReadUInt64();
        if (length > 1 << 24)
        {
            throw new InvalidDataException("A GGUF string is implausibly long.");
        }

        return Encoding.UTF8.GetString(reader.ReadBytes((int)length));
    }

    private static void SkipValue(BinaryReader reader, uint type)
    {
        switch (type)
        {
            case 0 or 1 or 7:
                reader.ReadByte();
                break;
            case 2 or 3:
                reader.ReadUInt16();
                break;
            case 4 or 5 or 6:
                reader.ReadUInt32();
                break;
            case 10 or 11 or 12:
                reader.ReadUInt64();
                break;
            case 8:
                var length = reader.ReadUInt64();
                reader.BaseStream.Seek(checked((long)length), SeekOrigin.Current);
                break;
            case 9:
                var elementType = reader.ReadUInt32();
                var count = reader.ReadUInt64();
                for (ulong i = 0; i < count; i++)
                {
                    SkipValue(reader, elementType);
                }

                break;
            default:
                throw new InvalidDataException($"Unknown GGUF metadata type {type}.");
        }
    }
}
