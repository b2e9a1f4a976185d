using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Agents.Backends.Llama.PrefixCache;

/// <summary>
/// The disk tier's file format: a fixed header, the prefix's token ids, then the state bytes.
/// </summary>
/// <remarks>
/// <para>Header (little-endian, 120 bytes): magic <c>AGKVPFX1</c> (8), version (2), reserved (2), model identity (32),
/// scope hash (32), token count (4), payload length (8), SHA-256 of tokens and payload (32).</para>
/// <para>Files are written to a temporary name, flushed to disk and renamed, so a crash leaves either the old file,
/// the new one, or a temporary file that is deleted on start. A reader trusts nothing it has not checked: a wrong
/// magic, version, model or length, or a checksum mismatch, and the file is never handed to llama.cpp.</para>
/// </remarks>
internal static class PrefixStateFile
{
    public const string Extension = ".kvstate";
    public const string TemporaryExtension = ".kvstate.tmp";
    public const int HeaderSize = 120;
    public const ushort CurrentVersion = 1;

    private const int HashSize = 32;
    private static readonly byte[] s_magic = "AGKVPFX1"u8.ToArray();

    /// <summary>Writes a state file atomically (temporary file, flush, rename).</summary>
    /// <returns>The file's size.</returns>
    public static long Write(string path, ReadOnlySpan<byte> modelIdentity, PrefixScope scope, ReadOnlySpan<int> tokens, ReadOnlySpan<byte> payload)
    {
        var tokenBytes = MemoryMarshal.AsBytes(tokens);
        Span<byte> header = stackalloc byte[HeaderSize];
        s_magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], CurrentVersion);
        modelIdentity.CopyTo(header[12..]);
        scope.WriteHash(header[44..]);
        BinaryPrimitives.WriteInt32LittleEndian(header[76..], tokens.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header[80..], payload.Length);
        Checksum(tokenBytes, payload, header[88..]);

        var temporary = path + "." + Guid.NewGuid().ToString("N") + TemporaryExtension;
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(header);
                stream.Write(tokenBytes);
                stream.Write(payload);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        return HeaderSize + tokenBytes.Length + payload.Length;
    }

    /// <summary>Reads and checks a file's header and tokens (not the payload), as on start.</summary>
    /// <remarks>Sets <c>reason</c> to why a file was refused, and <c>foreign</c> when it is whole but of another model.</remarks>
    public static bool TryReadIndex(string path, ReadOnlySpan<byte> modelIdentity, out PrefixScope scope, out int[] tokens, out string reason, out bool foreign)
    {
        scope = default;
        tokens = [];
        foreign = false;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (!TryReadHeader(stream, modelIdentity, out var header, out reason, out foreign))
        {
            return false;
        }

        scope = header.Scope;
        tokens = new int[header.TokenCount];
        stream.ReadExactly(MemoryMarshal.AsBytes(tokens.AsSpan()));
        return true;
    }

    /// <summary>Reads a whole file and checks everything, checksum included, and that it holds <paramref name="expectedTokens"/>.</summary>
    /// <remarks>Sets <c>payload</c> to the state bytes when the file is sound, else <c>reason</c> to why it was refused.</remarks>
    public static bool TryRead(string path, ReadOnlySpan<byte> modelIdentity, PrefixScope expectedScope, ReadOnlySpan<int> expectedTokens, out byte[] payload, out string reason)
    {
        payload = [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (!TryReadHeader(stream, modelIdentity, out var header, out reason, out _))
        {
            return false;
        }

        if (header.Scope != expectedScope)
        {
            reason = "it belongs to another scope";
            return false;
        }

        var tokens = new int[header.TokenCount];
        var tokenBytes = MemoryMarshal.AsBytes(tokens.AsSpan());
        stream.ReadExactly(tokenBytes);
        if (!tokens.AsSpan().SequenceEqual(expectedTokens))
        {
            reason = "it holds other tokens than its index says";
            return false;
        }

        var bytes = new byte[header.PayloadLength];
        stream.ReadExactly(bytes);
        Span<byte> checksum = stackalloc byte[HashSize];
        Checksum(tokenBytes, bytes, checksum);
        if (!checksum.SequenceEqual(header.Checksum))
        {
            reason = "its checksum does not match (corrupted)";
            return false;
        }

        payload = bytes;
        return true;
    }

    private static bool TryReadHeader(FileStream stream, ReadOnlySpan<byte> modelIdentity, out Header header, out string reason, out bool foreign)
    {
        header = default;
        foreign = false;
        Span<byte> bytes = stackalloc byte[HeaderSize];
        if (stream.Length < HeaderSize || stream.ReadAtLeast(bytes, HeaderSize, throwOnEndOfStream: false) < HeaderSize)
        {
            reason = $"it is shorter ({stream.Length} bytes) than the header (truncated)";
            return false;
        }

        if (!bytes[..8].SequenceEqual(s_magic))
        {
            reason = "it does not start with the prefix-state magic";
            return false;
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]);
        if (version != CurrentVersion)
        {
            reason = $"its format version is {version}, not {CurrentVersion}";
            return false;
        }

        var tokenCount = BinaryPrimitives.ReadInt32LittleEndian(bytes[76..]);
        var payloadLength = BinaryPrimitives.ReadInt64LittleEndian(bytes[80..]);
        if (tokenCount <= 0 || payloadLength <= 0 || stream.Length != HeaderSize + (4L * tokenCount) + payloadLength)
        {
            reason = $"its length ({stream.Length} bytes) does not match its header ({tokenCount} tokens, {payloadLength} payload bytes): truncated or corrupted";
            return false;
        }

        if (!bytes.Slice(12, HashSize).SequenceEqual(modelIdentity))
        {
            reason = "it was saved by another model or context configuration";
            foreign = true;
            return false;
        }

        header = new Header(PrefixScope.FromHash(bytes.Slice(44, HashSize)), tokenCount, payloadLength, bytes.Slice(88, HashSize).ToArray());
        reason = string.Empty;
        return true;
    }

    private static void Checksum(ReadOnlySpan<byte> tokens, ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(tokens);
        hash.AppendData(payload);
        hash.GetHashAndReset(destination);
    }

    private readonly record struct Header(PrefixScope Scope, int TokenCount, long PayloadLength, byte[] Checksum);
}
