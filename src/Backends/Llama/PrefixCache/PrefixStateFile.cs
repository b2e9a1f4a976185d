using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Agents.Backends.Llama.PrefixCache;

/// <summary>
/// The disk tier's file format: a fixed header, the prefix's token ids, then the state bytes.
/// </summary>
/// <remarks>
/// <para>Header (little-endian, 184 bytes): magic <c>AGKVPFX1</c> (8), version (2), reserved (2), the identity's
/// model (32), adapters (32) and settings (32) parts (see <see cref="PrefixCacheIdentity"/>), scope hash (32), token
/// count (4), payload length (8), and the SHA-256 (32) of the 152 header bytes before it, the tokens and the payload,
/// so the identity in the header is checksummed with the state it describes.</para>
/// <para>Files are written to a temporary name of their own (see <see cref="PrefixDiskTier"/>), flushed to disk and
/// renamed, so a crash leaves either the old file, the new one, or a temporary file. On Unix they are created
/// owner-only (0600). A reader trusts nothing it has not checked: a wrong magic, version, identity or length, or a
/// checksum mismatch, and the file is never handed to llama.cpp.</para>
/// </remarks>
internal static class PrefixStateFile
{
    public const string Extension = ".kvstate";
    public const string TemporaryExtension = ".kvstate.tmp";
    public const int HeaderSize = 184;
    public const ushort CurrentVersion = 2;

    private const int HashSize = 32;
    private const int ModelOffset = 12;
    private const int AdaptersOffset = 44;
    private const int SettingsOffset = 76;
    private const int ScopeOffset = 108;
    private const int TokenCountOffset = 140;
    private const int PayloadLengthOffset = 144;
    private const int ChecksumOffset = 152;
    /// <summary>The mode bits that give users other than the owner any access.</summary>
    public const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private static readonly byte[] s_magic = "AGKVPFX1"u8.ToArray();

    /// <summary>Writes a state file atomically: to <paramref name="temporaryPath"/>, flushed, then renamed to <paramref name="path"/>.</summary>
    /// <returns>The file's size.</returns>
    public static long Write(string path, string temporaryPath, PrefixCacheIdentity identity, PrefixScope scope, ReadOnlySpan<int> tokens, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var tokenBytes = MemoryMarshal.AsBytes(tokens);
        Span<byte> header = stackalloc byte[HeaderSize];
        s_magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], CurrentVersion);
        identity.Model.CopyTo(header[ModelOffset..]);
        identity.Adapters.CopyTo(header[AdaptersOffset..]);
        identity.Settings.CopyTo(header[SettingsOffset..]);
        scope.WriteHash(header[ScopeOffset..]);
        BinaryPrimitives.WriteInt32LittleEndian(header[TokenCountOffset..], tokens.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header[PayloadLengthOffset..], payload.Length);
        Checksum(header[..ChecksumOffset], tokenBytes, payload, header[ChecksumOffset..]);

        try
        {
            using (var stream = new FileStream(temporaryPath, CreateOptions()))
            {
                stream.Write(header);
                stream.Write(tokenBytes);
                stream.Write(payload);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporaryPath, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporaryPath);
            throw;
        }

        return HeaderSize + tokenBytes.Length + payload.Length;
    }

    /// <summary>The options a new file is created with: never over an existing one and, on Unix, owner-only (0600).</summary>
    /// <returns>The options.</returns>
    public static FileStreamOptions CreateOptions()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Windows has no mode bits: a file there inherits its folder's ACL (see docs/prefix-cache.md).
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

    /// <summary>Tells whether a whole file's checksum matches (header, tokens and payload), whoever wrote it.</summary>
    /// <param name="path">The file.</param>
    /// <returns><see langword="false"/> when it is too short, inconsistent or corrupted.</returns>
    public static bool IsIntact(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        Span<byte> header = stackalloc byte[HeaderSize];
        if (stream.Length < HeaderSize || stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false) < HeaderSize)
        {
            return false;
        }

        var tokenCount = BinaryPrimitives.ReadInt32LittleEndian(header[TokenCountOffset..]);
        var payloadLength = BinaryPrimitives.ReadInt64LittleEndian(header[PayloadLengthOffset..]);
        if (tokenCount <= 0 || payloadLength <= 0 || stream.Length != HeaderSize + (4L * tokenCount) + payloadLength)
        {
            return false;
        }

        // Streamed: this runs only for files of another identity found under this one's name, which may be large.
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(header[..ChecksumOffset]);
        var buffer = new byte[1 << 16];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        Span<byte> checksum = stackalloc byte[HashSize];
        hash.GetHashAndReset(checksum);
        return checksum.SequenceEqual(header[ChecksumOffset..]);
    }

    /// <summary>Reads and checks a file's header and tokens (not the payload), as on start.</summary>
    /// <remarks>Sets <c>reason</c> to why a file was refused, and <c>foreign</c> when it is whole but of another model.</remarks>
    public static bool TryReadIndex(string path, PrefixCacheIdentity identity, out PrefixScope scope, out int[] tokens, out string reason, out bool foreign)
    {
        scope = default;
        tokens = [];
        foreign = false;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (!TryReadHeader(stream, identity, out var header, out reason, out foreign))
        {
            return false;
        }

        scope = header.Scope;
        tokens = new int[header.TokenCount];
        stream.ReadExactly(MemoryMarshal.AsBytes(tokens.AsSpan()));
        return true;
    }

    /// <summary>Reads a whole file and checks everything, checksum included, and that it holds <paramref name="expectedTokens"/>.</summary>
    /// <remarks>
    /// Sets <c>payload</c> to the state bytes when the file is sound, else <c>reason</c> to why it was refused, and
    /// <c>foreign</c> when it is whole but of another identity.
    /// </remarks>
    public static bool TryRead(string path, PrefixCacheIdentity identity, PrefixScope expectedScope, ReadOnlySpan<int> expectedTokens, out byte[] payload, out string reason, out bool foreign)
    {
        payload = [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (!TryReadHeader(stream, identity, out var header, out reason, out foreign))
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
        Checksum(header.Checksummed, tokenBytes, bytes, checksum);
        if (!checksum.SequenceEqual(header.Checksum))
        {
            reason = "its checksum does not match (corrupted)";
            return false;
        }

        payload = bytes;
        return true;
    }

    private static bool TryReadHeader(FileStream stream, PrefixCacheIdentity identity, out Header header, out string reason, out bool foreign)
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

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(stream.SafeFileHandle) & GroupOrOther) != 0)
        {
            // Checked on the open handle: this tier writes owner-only files, so one open to others was put there by
            // someone else (in a folder others can write) or loosened by hand; its bytes are not handed to llama.cpp.
            reason = $"other users can access it (mode {Convert.ToString((int)File.GetUnixFileMode(stream.SafeFileHandle), 8)}), and this cache writes owner-only files";
            return false;
        }

        var tokenCount = BinaryPrimitives.ReadInt32LittleEndian(bytes[TokenCountOffset..]);
        var payloadLength = BinaryPrimitives.ReadInt64LittleEndian(bytes[PayloadLengthOffset..]);
        if (tokenCount <= 0 || payloadLength <= 0 || stream.Length != HeaderSize + (4L * tokenCount) + payloadLength)
        {
            reason = $"its length ({stream.Length} bytes) does not match its header ({tokenCount} tokens, {payloadLength} payload bytes): truncated or corrupted";
            return false;
        }

        var saved = PrefixCacheIdentity.FromParts(
            bytes.Slice(ModelOffset, HashSize), bytes.Slice(AdaptersOffset, HashSize), bytes.Slice(SettingsOffset, HashSize));
        if (identity.Difference(saved) is { } difference)
        {
            reason = $"its {difference} identity is not this cache's (another generator saved it)";
            foreign = true;
            return false;
        }

        header = new Header(
            PrefixScope.FromHash(bytes.Slice(ScopeOffset, HashSize)),
            tokenCount,
            payloadLength,
            bytes[..ChecksumOffset].ToArray(),
            bytes.Slice(ChecksumOffset, HashSize).ToArray());
        reason = string.Empty;
        return true;
    }

    private static void Checksum(ReadOnlySpan<byte> header, ReadOnlySpan<byte> tokens, ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(header);
        hash.AppendData(tokens);
        hash.AppendData(payload);
        hash.GetHashAndReset(destination);
    }

    /// <summary>A header that passed the checks: scope, sizes, the bytes the checksum covers, and the checksum.</summary>
    private readonly record struct Header(PrefixScope Scope, int TokenCount, long PayloadLength, byte[] Checksummed, byte[] Checksum);
}
