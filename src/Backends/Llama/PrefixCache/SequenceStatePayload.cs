namespace Agents.Backends.Llama.PrefixCache;

/// <summary>A KV sequence state saved as bytes by llama.cpp (<c>llama_state_seq_get_data</c>).</summary>
/// <param name="bytes">The saved state; owned by the payload from now on.</param>
internal sealed class SequenceStatePayload(byte[] bytes) : IPrefixStatePayload
{
    /// <inheritdoc/>
    public long SizeInBytes => bytes.LongLength;

    /// <inheritdoc/>
    public ReadOnlyMemory<byte> Bytes => bytes;
}
