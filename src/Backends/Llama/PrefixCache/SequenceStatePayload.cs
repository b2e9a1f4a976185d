namespace Agents.Backends.Llama.PrefixCache;

/// <summary>A KV sequence state as a managed array: how states read back from the disk tier are held.</summary>
/// <param name="bytes">The saved state; owned by the payload from now on.</param>
internal sealed class SequenceStatePayload(byte[] bytes) : IPrefixStatePayload
{
    /// <inheritdoc/>
    public long SizeInBytes => bytes.LongLength;

    /// <inheritdoc/>
    public ReadOnlySpan<byte> Bytes => bytes;
}
