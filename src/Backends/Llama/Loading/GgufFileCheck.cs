using System.Buffers.Binary;
using System.Globalization;

namespace Agents.Backends.Llama.Loading;

/// <summary>
/// Checks a model file before native code sees it: llama.cpp given a directory, a text file or a stub can fail in
/// ways that say little, so the common mistakes are caught here with a reason a user can act on.
/// </summary>
internal static class GgufFileCheck
{
    /// <summary>The smallest possible GGUF file: magic, version, tensor count and metadata count.</summary>
    internal const int MinimumHeaderBytes = 4 + 4 + 8 + 8;

    private static ReadOnlySpan<byte> Magic => "GGUF"u8;

    /// <summary>Throws <see cref="ModelLoadException"/> unless <paramref name="path"/> looks like a GGUF file.</summary>
    /// <param name="path">The full path.</param>
    /// <returns>The file's size in bytes.</returns>
    /// <exception cref="ModelLoadException">The file is missing, a directory, too small, or not GGUF.</exception>
    public static long Check(string path)
    {
        if (Directory.Exists(path))
        {
            throw new ModelLoadException(path, "the path is a directory, not a model file.");
        }

        if (!File.Exists(path))
        {
            throw new ModelLoadException(path, "the file does not exist.");
        }

        Span<byte> header = stackalloc byte[MinimumHeaderBytes];
        long length;
        int read;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
            length = stream.Length;
            read = stream.ReadAtLeast(header, MinimumHeaderBytes, throwOnEndOfStream: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(path, $"the file cannot be read: {ex.Message}", ex);
        }

        if (read >= Magic.Length && !header[..Magic.Length].SequenceEqual(Magic))
        {
            throw new ModelLoadException(
                path, $"the file is not a GGUF model: it starts with {Describe(header[..Math.Min(read, 4)])}, not the GGUF magic 'GGUF'.");
        }

        if (read < MinimumHeaderBytes)
        {
            throw new ModelLoadException(
                path, string.Create(CultureInfo.InvariantCulture, $"the file is too small ({length} bytes) to be a GGUF model."));
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(header[4..8]);
        if (version is < 2 or > 3)
        {
            throw new ModelLoadException(
                path, string.Create(CultureInfo.InvariantCulture, $"unsupported GGUF version {version} (llama.cpp reads versions 2 and 3)."));
        }

        return length;
    }

    private static string Describe(ReadOnlySpan<byte> bytes)
    {
        var hex = Convert.ToHexString(bytes);
        var printable = bytes.ToArray().All(b => b is >= 0x20 and < 0x7f);
        return printable ? $"'{System.Text.Encoding.ASCII.GetString(bytes)}' (0x{hex})" : $"0x{hex}";
    }
}
