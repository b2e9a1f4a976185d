using System.Buffers.Binary;
using System.Security.Cryptography;
using Agents.Backends.Llama.Gguf;

namespace Agents.Backends.Llama.PrefixCache;

/// <summary>
/// A content identity of a GGUF file (a model or a LoRA adapter): what it holds, not where it lies. Two
/// quantizations of one model, two fine-tunes with one vocabulary, or a file replaced in place with the same size
/// and modification time all get different identities; a copy under another path gets the same one.
/// </summary>
/// <remarks>
/// <para>
/// The SHA-256 of: the file's size, its whole header (metadata with the file type and vocabulary, and the tensor
/// directory with every tensor's name, shape, type and offset), and samples of every tensor's data: a tensor of up
/// to <see cref="WholeTensorBytes"/> bytes is hashed whole, a larger one by <see cref="SampleBytes"/> bytes at its
/// start, middle and end. Any change of weights a fine-tune, merge or quantization makes touches every sampled
/// tensor, so a sampled hash tells such files apart while reading about 12 KiB per tensor (under 1 MiB for the
/// 60M benchmark model, a few MiB for a 7B one) instead of the whole file.
/// </para>
/// <para>
/// It is not a defence against a file crafted to collide (same header, same sampled bytes, other weights): whoever
/// can place such a model file already controls what the application runs. A file whose header cannot be parsed
/// is hashed whole.
/// </para>
/// </remarks>
internal static class GgufContentIdentity
{
    /// <summary>The bytes sampled at each of a large tensor's three places.</summary>
    public const int SampleBytes = 4096;

    /// <summary>Tensors up to this size are hashed whole.</summary>
    public const int WholeTensorBytes = 3 * SampleBytes;

    /// <summary>Computes the identity of the GGUF file at <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>32 bytes.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be opened.</exception>
    public static byte[] Compute(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(number, stream.Length);
        hash.AppendData(number);

        GgufFile? header;
        try
        {
            header = GgufReader.ReadHeader(stream);
        }
        catch (InvalidDataException)
        {
            header = null;
        }

        if (header is null || header.DataOffset > stream.Length)
        {
            // Not a header this reader understands: the whole file, so the identity is still about its content.
            stream.Position = 0;
            hash.AppendData("whole-file"u8);
            AppendRange(stream, hash, buffer, 0, stream.Length);
            return hash.GetHashAndReset();
        }

        AppendRange(stream, hash, buffer, 0, header.DataOffset);
        var starts = header.Tensors.Select(t => header.DataOffset + t.Offset).Where(s => s >= header.DataOffset && s <= stream.Length)
            .Distinct().Order().ToArray();
        for (var i = 0; i < starts.Length; i++)
        {
            // A tensor's data runs to the next tensor's start (alignment padding included) or to the end of the file.
            var start = starts[i];
            var length = (i + 1 < starts.Length ? starts[i + 1] : stream.Length) - start;
            if (length <= WholeTensorBytes)
            {
                AppendRange(stream, hash, buffer, start, length);
            }
            else
            {
                AppendRange(stream, hash, buffer, start, SampleBytes);
                AppendRange(stream, hash, buffer, start + ((length - SampleBytes) / 2), SampleBytes);
                AppendRange(stream, hash, buffer, start + length - SampleBytes, SampleBytes);
            }
        }

        return hash.GetHashAndReset();
    }

    private static void AppendRange(FileStream stream, IncrementalHash hash, byte[] buffer, long offset, long length)
    {
        stream.Position = offset;
        while (length > 0)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, length));
            if (read == 0)
            {
                throw new EndOfStreamException($"'{stream.Name}' ended while its identity was computed.");
            }

            hash.AppendData(buffer, 0, read);
            length -= read;
        }
    }
}
