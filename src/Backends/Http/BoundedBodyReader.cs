using System.Buffers;

namespace Agents.Backends.Http;

/// <summary>Reads a response body up to a byte cap, never buffering more than the cap plus one read.</summary>
internal static class BoundedBodyReader
{
    /// <summary>Reads at most <paramref name="cap"/> bytes; <c>Exceeded</c> tells whether the body held more.</summary>
    public static async Task<(byte[] Data, bool Exceeded)> ReadAsync(Stream stream, int cap, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Min(cap + 1, 16 * 1024));
        while (buffer.WrittenCount <= cap)
        {
            var room = Math.Min(cap + 1 - buffer.WrittenCount, 64 * 1024);
            var read = await stream.ReadAsync(buffer.GetMemory(room)[..room], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return (buffer.WrittenSpan.ToArray(), false);
            }

            buffer.Advance(read);
        }

        return (buffer.WrittenSpan[..cap].ToArray(), true);
    }
}
