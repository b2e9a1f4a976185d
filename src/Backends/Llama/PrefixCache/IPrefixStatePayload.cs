namespace Agents.Backends.Llama.PrefixCache;

/// <summary>
/// What a cache entry holds for its prefix: an opaque KV state (saved sequence-state bytes, or a handle to a live KV
/// sequence). The cache disposes a payload it drops when the payload is <see cref="IDisposable"/>.
/// </summary>
internal interface IPrefixStatePayload
{
    /// <summary>Gets how many bytes the payload holds; counted against the memory budget.</summary>
    long SizeInBytes { get; }

    /// <summary>
    /// Gets the payload's bytes, to restore or to write to the disk tier; empty when it cannot be written to disk.
    /// Valid only while the cache holds the payload (inside a restore callback, or under the cache's lock).
    /// </summary>
    ReadOnlySpan<byte> Bytes { get; }
}
