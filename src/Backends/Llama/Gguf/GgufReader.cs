using System.Globalization;
using System.Text;

namespace Agents.Backends.Llama.Gguf;

/// <summary>
/// Reads the header of a GGUF file (metadata and tensor directory) without native code, so files can be checked and
/// their vocabulary reused before llama.cpp sees them.
/// </summary>
internal static class GgufReader
{
    /// <summary>The four bytes every GGUF file starts with.</summary>
    public static ReadOnlySpan<byte> Magic => "GGUF"u8;

    // Far above any real header (the 150k-token vocabularies are a few MB); stops a corrupt length allocating gigabytes.
    private const long MaxStringBytes = 64L << 20;
    private const long MaxArrayLength = 1L << 28;

    /// <summary>Reads the header of the file at <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The header.</returns>
    /// <exception cref="InvalidDataException">The file is not GGUF, has an unsupported version, or its header is truncated or corrupt.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static GgufFile ReadHeader(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return ReadHeader(stream);
    }

    /// <summary>Reads a GGUF header from the start of <paramref name="stream"/>.</summary>
    /// <param name="stream">A readable, seekable stream positioned at the start of the file.</param>
    /// <returns>The header.</returns>
    /// <exception cref="InvalidDataException">The stream is not GGUF, has an unsupported version, or is truncated or corrupt.</exception>
    public static GgufFile ReadHeader(Stream stream)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            Span<byte> magic = stackalloc byte[4];
            if (stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) < 4 || !magic.SequenceEqual(Magic))
            {
                throw new InvalidDataException("the file does not start with the GGUF magic 'GGUF'.");
            }

            var version = reader.ReadUInt32();
            if (version is < 2 or > 3)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"unsupported GGUF version {version}."));
            }

            var tensorCount = CheckedCount(reader.ReadUInt64(), "tensor count");
            var metadataCount = CheckedCount(reader.ReadUInt64(), "metadata count");
            var metadata = new List<KeyValuePair<string, GgufMetadataValue>>((int)metadataCount);
            for (var i = 0L; i < metadataCount; i++)
            {
                var key = ReadString(reader);
                var type = (GgufValueType)reader.ReadUInt32();
                metadata.Add(new(key, ReadValue(reader, type)));
            }

            var tensors = new List<GgufTensorInfo>((int)tensorCount);
            for (var i = 0L; i < tensorCount; i++)
            {
                var name = ReadString(reader);
                var dimensionCount = reader.ReadUInt32();
                if (dimensionCount > 4)
                {
                    throw new InvalidDataException($"tensor '{name}' has {dimensionCount} dimensions (at most 4).");
                }

                var dimensions = new long[dimensionCount];
                for (var d = 0; d < dimensionCount; d++)
                {
                    dimensions[d] = (long)reader.ReadUInt64();
                }

                tensors.Add(new GgufTensorInfo(name, dimensions, (GgufTensorType)reader.ReadUInt32(), (long)reader.ReadUInt64()));
            }

            var header = new GgufFile(version, metadata, tensors, 0);
            var alignment = header.Find("general.alignment")?.AsInt64() ?? GgufFile.DefaultAlignment;
            return header with { DataOffset = AlignUp(stream.Position, alignment) };
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("the GGUF header is truncated.", ex);
        }
    }

    /// <summary>Rounds <paramref name="value"/> up to a multiple of <paramref name="alignment"/>.</summary>
    public static long AlignUp(long value, long alignment) => (value + alignment - 1) / alignment * alignment;

    private static long CheckedCount(ulong count, string what) =>
        count > MaxArrayLength
            ? throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"implausible {what} {count}: the header is corrupt."))
            : (long)count;

    private static string ReadString(BinaryReader reader)
    {
        var length = reader.ReadUInt64();
        if (length > MaxStringBytes)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"implausible string length {length}: the header is corrupt."));
        }

        var bytes = reader.ReadBytes((int)length);
        return bytes.Length == (int)length ? Encoding.UTF8.GetString(bytes) : throw new EndOfStreamException();
    }

    private static GgufMetadataValue ReadValue(BinaryReader reader, GgufValueType type)
    {
        if (type != GgufValueType.Array)
        {
            return new GgufMetadataValue(type, ReadScalar(reader, type));
        }

        var elementType = (GgufValueType)reader.ReadUInt32();
        var length = (int)CheckedCount(reader.ReadUInt64(), "array length");
        Array values = elementType switch
        {
            GgufValueType.String => ReadArray(reader, length, ReadString),
            GgufValueType.Float32 => ReadArray(reader, length, r => r.ReadSingle()),
            GgufValueType.Int32 => ReadArray(reader, length, r => r.ReadInt32()),
            GgufValueType.UInt32 => ReadArray(reader, length, r => r.ReadUInt32()),
            GgufValueType.Array => throw new InvalidDataException("nested GGUF arrays are not supported."),
            _ => ReadArray(reader, length, r => ReadScalar(r, elementType)),
        };
        return new GgufMetadataValue(GgufValueType.Array, values, elementType);
    }

    private static T[] ReadArray<T>(BinaryReader reader, int length, Func<BinaryReader, T> read)
    {
        var values = new T[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = read(reader);
        }

        return values;
    }

    private static object ReadScalar(BinaryReader reader, GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => reader.ReadByte(),
        GgufValueType.Int8 => reader.ReadSByte(),
        GgufValueType.UInt16 => reader.ReadUInt16(),
        GgufValueType.Int16 => reader.ReadInt16(),
        GgufValueType.UInt32 => reader.ReadUInt32(),
        GgufValueType.Int32 => reader.ReadInt32(),
        GgufValueType.Float32 => reader.ReadSingle(),
        GgufValueType.Bool => reader.ReadByte() != 0,
        GgufValueType.String => ReadString(reader),
        GgufValueType.UInt64 => reader.ReadUInt64(),
        GgufValueType.Int64 => reader.ReadInt64(),
        GgufValueType.Float64 => reader.ReadDouble(),
        _ => throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"unknown GGUF value type {(uint)type}.")),
    };
}
