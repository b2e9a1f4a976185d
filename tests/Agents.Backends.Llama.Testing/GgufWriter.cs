using System.Text;

namespace Agents.Backends.Llama.Gguf;

/// <summary>
/// Writes a GGUF v3 file: metadata, the tensor directory, then each tensor's data aligned to
/// <see cref="GgufFile.DefaultAlignment"/> bytes. Tensor data is produced by a callback when written, so large
/// models never sit in memory whole.
/// </summary>
/// <remarks>Not thread-safe: one writer builds one file.</remarks>
internal sealed class GgufWriter
{
    private readonly List<KeyValuePair<string, GgufMetadataValue>> _metadata = [];
    private readonly List<PendingTensor> _tensors = [];

    /// <summary>Adds (or replaces) a metadata value.</summary>
    public GgufWriter Add(string key, GgufMetadataValue value)
    {
        _metadata.RemoveAll(pair => pair.Key == key);
        _metadata.Add(new(key, value));
        return this;
    }

    /// <summary>Adds a tensor whose data <paramref name="writeData"/> writes when the file is written.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="dimensions">The dimensions in ggml order (innermost first).</param>
    /// <param name="type">F32 or F16.</param>
    /// <param name="writeData">Writes exactly the tensor's bytes to the stream it is given.</param>
    public GgufWriter AddTensor(string name, long[] dimensions, GgufTensorType type, Action<Stream> writeData)
    {
        var elements = dimensions.Aggregate(1L, (product, d) => product * d);
        var bytes = type switch
        {
            GgufTensorType.F32 => elements * 4,
            GgufTensorType.F16 => elements * 2,
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Only F32 and F16 tensors are written."),
        };
        _tensors.Add(new PendingTensor(name, dimensions, type, bytes, writeData));
        return this;
    }

    /// <summary>Writes the whole file to <paramref name="path"/> through a temporary file, so a half-written model never appears under that name.</summary>
    /// <param name="path">The destination.</param>
    /// <param name="cancellationToken">Checked between tensors.</param>
    public void WriteTo(string path, CancellationToken cancellationToken = default)
    {
        var temporary = path + ".partial";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                WriteTo(stream, cancellationToken);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Writes the whole file to <paramref name="stream"/>.</summary>
    /// <param name="stream">A writable stream.</param>
    /// <param name="cancellationToken">Checked between tensors.</param>
    public void WriteTo(Stream stream, CancellationToken cancellationToken = default)
    {
        var start = stream.CanSeek ? stream.Position : 0;
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(GgufReader.Magic);
        writer.Write(3u);
        writer.Write((ulong)_tensors.Count);
        writer.Write((ulong)_metadata.Count);
        foreach (var (key, value) in _metadata)
        {
            WriteString(writer, key);
            writer.Write((uint)value.Type);
            WriteValue(writer, value);
        }

        var offset = 0L;
        foreach (var tensor in _tensors)
        {
            WriteString(writer, tensor.Name);
            writer.Write((uint)tensor.Dimensions.Length);
            foreach (var dimension in tensor.Dimensions)
            {
                writer.Write((ulong)dimension);
            }

            writer.Write((uint)tensor.Type);
            writer.Write((ulong)offset);
            offset = GgufReader.AlignUp(offset + tensor.ByteLength, GgufFile.DefaultAlignment);
        }

        writer.Flush();
        var written = stream.Position - start;
        Pad(stream, GgufReader.AlignUp(written, GgufFile.DefaultAlignment) - written);
        foreach (var tensor in _tensors)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var before = stream.Position;
            tensor.WriteData(stream);
            var length = stream.Position - before;
            if (length != tensor.ByteLength)
            {
                throw new InvalidOperationException($"Tensor '{tensor.Name}' wrote {length} bytes instead of {tensor.ByteLength}.");
            }

            Pad(stream, GgufReader.AlignUp(length, GgufFile.DefaultAlignment) - length);
        }

        stream.Flush();
    }

    private static void Pad(Stream stream, long count)
    {
        for (var i = 0; i < count; i++)
        {
            stream.WriteByte(0);
        }
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private static void WriteValue(BinaryWriter writer, GgufMetadataValue value)
    {
        if (value.Type != GgufValueType.Array)
        {
            WriteScalar(writer, value.Type, value.Value);
            return;
        }

        var values = (Array)value.Value;
        writer.Write((uint)value.ElementType);
        writer.Write((ulong)values.Length);
        foreach (var element in values)
        {
            WriteScalar(writer, value.ElementType, element!);
        }
    }

    private static void WriteScalar(BinaryWriter writer, GgufValueType type, object value)
    {
        switch (type)
        {
            case GgufValueType.UInt8: writer.Write((byte)value); break;
            case GgufValueType.Int8: writer.Write((sbyte)value); break;
            case GgufValueType.UInt16: writer.Write((ushort)value); break;
            case GgufValueType.Int16: writer.Write((short)value); break;
            case GgufValueType.UInt32: writer.Write((uint)value); break;
            case GgufValueType.Int32: writer.Write((int)value); break;
            case GgufValueType.Float32: writer.Write((float)value); break;
            case GgufValueType.Bool: writer.Write((bool)value ? (byte)1 : (byte)0); break;
            case GgufValueType.String: WriteString(writer, (string)value); break;
            case GgufValueType.UInt64: writer.Write((ulong)value); break;
            case GgufValueType.Int64: writer.Write((long)value); break;
            case GgufValueType.Float64: writer.Write((double)value); break;
            default: throw new InvalidOperationException($"Cannot write GGUF value type {type}.");
        }
    }

    private sealed record PendingTensor(string Name, long[] Dimensions, GgufTensorType Type, long ByteLength, Action<Stream> WriteData);
}
