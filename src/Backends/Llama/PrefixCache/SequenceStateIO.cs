using System.Runtime.InteropServices;
using LLama.Native;

namespace Agents.Backends.Llama.PrefixCache;

/// <summary>
/// Saves and restores the KV state of one sequence of a llama.cpp context (<c>llama_state_seq_get_data</c> /
/// <c>llama_state_seq_set_data</c>). The caller owns the context: neither call may run concurrently with a decode.
/// </summary>
internal static unsafe class SequenceStateIO
{
    /// <summary>Saves the state of <paramref name="sequence"/>: its KV cells with their positions.</summary>
    /// <param name="context">The context.</param>
    /// <param name="sequence">The sequence.</param>
    /// <returns>The state, to be restored into a context of the same model and configuration.</returns>
    /// <exception cref="GeneratorException">llama.cpp wrote fewer bytes than it announced.</exception>
    public static byte[] Save(SafeLLamaContextHandle context, LLamaSeqId sequence)
    {
        ArgumentNullException.ThrowIfNull(context);
        var size = context.GetStateSize(sequence);
        var bytes = GC.AllocateUninitializedArray<byte>(checked((int)size));
        nuint written;
        fixed (byte* destination = bytes)
        {
            written = context.GetState(destination, size, sequence);
        }

        if (written != size)
        {
            throw new GeneratorException($"llama.cpp saved {written} bytes of sequence state instead of the {size} it announced.")
            {
                Provider = LlamaGenerator.ProviderName,
            };
        }

        return bytes;
    }

    /// <summary>Saves the state of <paramref name="sequence"/> into native memory (the prefix cache's form).</summary>
    /// <param name="context">The context.</param>
    /// <param name="sequence">The sequence.</param>
    /// <returns>The state; the caller owns it.</returns>
    /// <exception cref="GeneratorException">llama.cpp wrote fewer bytes than it announced, or the state exceeds 2 GB.</exception>
    public static NativeStatePayload SaveNative(SafeLLamaContextHandle context, LLamaSeqId sequence)
    {
        ArgumentNullException.ThrowIfNull(context);
        var size = context.GetStateSize(sequence);
        if (size > int.MaxValue)
        {
            throw new GeneratorException($"A sequence state of {size} bytes is too large to cache.") { Provider = LlamaGenerator.ProviderName };
        }

        var data = (byte*)NativeMemory.Alloc(size);
        var written = context.GetState(data, size, sequence);
        if (written != size)
        {
            NativeMemory.Free(data);
            throw new GeneratorException($"llama.cpp saved {written} bytes of sequence state instead of the {size} it announced.")
            {
                Provider = LlamaGenerator.ProviderName,
            };
        }

        return new NativeStatePayload(data, (int)size);
    }

    /// <summary>
    /// Replaces whatever <paramref name="sequence"/> holds with a saved state. On failure the sequence is left empty.
    /// </summary>
    /// <param name="context">The context.</param>
    /// <param name="sequence">The sequence to restore into.</param>
    /// <param name="state">A state from <see cref="Save"/> of the same model and configuration.</param>
    /// <returns>Whether llama.cpp accepted the state.</returns>
    public static bool TryRestore(SafeLLamaContextHandle context, LLamaSeqId sequence, ReadOnlySpan<byte> state)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.MemorySequenceRemove(sequence, -1, -1);
        if (state.IsEmpty)
        {
            return false;
        }

        nuint read;
        fixed (byte* source = state)
        {
            read = context.SetState(source, (nuint)state.Length, sequence);
        }

        if (read == 0)
        {
            context.MemorySequenceRemove(sequence, -1, -1);
            return false;
        }

        return true;
    }
}
