using System.Text;

namespace Agents.Rag;

/// <summary>Reads a text file's bytes as UTF-8 (honouring a byte-order mark), refusing binary content.</summary>
internal static class TextDecoding
{
    private const int SniffLength = 8192;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static async Task<string> ReadTextAsync(Stream content, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);

        // A NUL byte in the first few kilobytes is the classic sign of a binary file (UTF-16 text has a BOM).
        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
        {
            var unicode = bytes[0] == 0xFF ? Encoding.Unicode : Encoding.BigEndianUnicode;
            return unicode.GetString(bytes[2..]);
        }

        if (bytes[..Math.Min(bytes.Length, SniffLength)].Contains((byte)0))
        {
            throw new DocumentLoadException($"'{source}' looks binary (it contains NUL bytes).");
        }

        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
        {
            bytes = bytes[3..];
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            // Not UTF-8: read it as Latin-1, which maps every byte, rather than drop the file.
            return Encoding.Latin1.GetString(bytes);
        }
    }
}
