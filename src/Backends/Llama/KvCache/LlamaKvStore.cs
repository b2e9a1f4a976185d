using Agents.Backends.Llama.PrefixCache;
using LLama;
using LLama.Native;

namespace Agents.Backends.Llama.KvCache;

/// <summary>The <see cref="IKvStore"/> over a llama.cpp context: the only place the KV cache touches native calls.</summary>
/// <param name="context">The scheduler's context.</param>
internal sealed class LlamaKvStore(LLamaContext context) : IKvStore
{
    /// <inheritdoc/>
    public void Copy(int source, int destination, int count) =>
        context.NativeHandle.MemorySequenceCopy((LLamaSeqId)source, (LLamaSeqId)destination, 0, count);

    /// <inheritdoc/>
    public void Trim(int sequence, int from) =>
        context.NativeHandle.MemorySequenceRemove((LLamaSeqId)sequence, from, -1);

    /// <inheritdoc/>
    public IPrefixStatePayload Save(int sequence) => SequenceStateIO.SaveNative(context.NativeHandle, (LLamaSeqId)sequence);

    /// <inheritdoc/>
    public bool TryRestore(int sequence, ReadOnlySpan<byte> state) =>
        SequenceStateIO.TryRestore(context.NativeHandle, (LLamaSeqId)sequence, state);
}
