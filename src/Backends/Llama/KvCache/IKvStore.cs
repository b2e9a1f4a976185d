using Agents.Backends.Llama.PrefixCache;

namespace Agents.Backends.Llama.KvCache;

/// <summary>
/// The native work of the KV cache, as the <see cref="KvCachePolicy"/> asks for it: sequence copies and trims, and
/// saving and restoring one sequence's state. Sequence ids are plain integers so the policy holds no native type.
/// </summary>
/// <remarks>Called only on the scheduler's thread, which owns the context; no call may run during a decode.</remarks>
internal interface IKvStore
{
    /// <summary>Makes <paramref name="destination"/> (empty) share the first <paramref name="count"/> positions of <paramref name="source"/>.</summary>
    /// <param name="source">The sequence copied from.</param>
    /// <param name="destination">The empty sequence copied to.</param>
    /// <param name="count">How many leading positions to share.</param>
    void Copy(int source, int destination, int count);

    /// <summary>Removes the positions of <paramref name="sequence"/> from <paramref name="from"/> to its end (0: empties it).</summary>
    /// <param name="sequence">The sequence.</param>
    /// <param name="from">The first position removed.</param>
    void Trim(int sequence, int from);

    /// <summary>Copies the state of <paramref name="sequence"/> out of the context.</summary>
    /// <param name="sequence">The sequence.</param>
    /// <returns>The state; the caller owns it.</returns>
    IPrefixStatePayload Save(int sequence);

    /// <summary>Replaces what <paramref name="sequence"/> holds with a saved state; on failure the sequence is left empty.</summary>
    /// <param name="sequence">The sequence.</param>
    /// <param name="state">A state saved from a context of the same model and configuration.</param>
    /// <returns>Whether llama.cpp accepted it (it refuses when the state is foreign or finds no room for it).</returns>
    bool TryRestore(int sequence, ReadOnlySpan<byte> state);
}
