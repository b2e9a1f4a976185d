using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Agents.Backends.Llama.PrefixCache;

/// <summary>
/// What saved states are tied to: a state restores only into a context of the same identity. It has three parts,
/// each 32 bytes and each written in full into every state file's header: the model file's content
/// (<see cref="GgufContentIdentity"/>), the LoRA adapters' contents and scales in order, and the context settings
/// that change the KV layout or values. Their combined <see cref="Key"/> starts every file name
/// (<see cref="NamePrefix"/>), so generators of different identities sharing a folder never touch each other's files.
/// </summary>
internal sealed class PrefixCacheIdentity
{
    /// <summary>The size of each part and of the key, in bytes.</summary>
    public const int Size = 32;

    /// <summary>The hex characters of the key that start file names (64 bits).</summary>
    public const int NamePrefixLength = 16;

    private PrefixCacheIdentity(byte[] model, byte[] adapters, byte[] settings)
    {
        Model = model;
        Adapters = adapters;
        Settings = settings;
        Key = SHA256.HashData([.. model, .. adapters, .. settings]);
        NamePrefix = Convert.ToHexStringLower(Key)[..NamePrefixLength];
    }

    /// <summary>Gets the content identity of the model file.</summary>
    public byte[] Model { get; }

    /// <summary>Gets the identity of the LoRA adapters: each one's content identity and scale, in order.</summary>
    public byte[] Adapters { get; }

    /// <summary>Gets the identity of the context settings that change what a state means (flash attention).</summary>
    public byte[] Settings { get; }

    /// <summary>Gets the SHA-256 of the three parts.</summary>
    public byte[] Key { get; }

    /// <summary>Gets the lower-case hex start of <see cref="Key"/> that every file of this identity is named with.</summary>
    public string NamePrefix { get; }

    /// <summary>Computes the identity of a generator's states from the files it loaded and its settings.</summary>
    /// <param name="modelPath">The model's GGUF file.</param>
    /// <param name="flashAttention">Whether the context uses flash attention (changes the V layout and values).</param>
    /// <param name="adapters">The LoRA adapters applied, in order, with their scales; none when empty.</param>
    /// <returns>The identity.</returns>
    /// <exception cref="IOException">A file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">A file cannot be opened.</exception>
    public static PrefixCacheIdentity Compute(string modelPath, bool flashAttention, IReadOnlyList<(string Path, float Scale)> adapters)
    {
        ArgumentNullException.ThrowIfNull(adapters);
        return FromParts(GgufContentIdentity.Compute(modelPath), AdapterIdentity(adapters), SettingsIdentity(flashAttention));
    }

    /// <summary>Computes the identity of the states of <paramref name="model"/> run with <paramref name="options"/>.</summary>
    /// <param name="model">The loaded model.</param>
    /// <param name="options">The options it runs with: the effective flash-attention setting and the adapters.</param>
    /// <returns>The identity.</returns>
    public static PrefixCacheIdentity Compute(LlamaModel model, LlamaModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        return Compute(model.Info.Path, options.UsesFlashAttention, [.. options.Load.LoraAdapters.Select(a => (a.Path, a.Scale))]);
    }

    /// <summary>Builds an identity from its three 32-byte parts (read back from a file, or made up by tests).</summary>
    /// <param name="model">The model part.</param>
    /// <param name="adapters">The adapters part.</param>
    /// <param name="settings">The settings part.</param>
    /// <returns>The identity.</returns>
    /// <exception cref="ArgumentException">A part is not 32 bytes.</exception>
    public static PrefixCacheIdentity FromParts(ReadOnlySpan<byte> model, ReadOnlySpan<byte> adapters, ReadOnlySpan<byte> settings)
    {
        if (model.Length != Size || adapters.Length != Size || settings.Length != Size)
        {
            throw new ArgumentException($"Each part of a prefix cache identity is {Size} bytes.");
        }

        return new PrefixCacheIdentity(model.ToArray(), adapters.ToArray(), settings.ToArray());
    }

    /// <summary>The identity of an ordered list of adapters: count, then each one's content identity and scale.</summary>
    /// <param name="adapters">The adapters, in the order they are applied.</param>
    /// <returns>32 bytes.</returns>
    public static byte[] AdapterIdentity(IReadOnlyList<(string Path, float Scale)> adapters)
    {
        ArgumentNullException.ThrowIfNull(adapters);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(number, adapters.Count);
        hash.AppendData(number);
        foreach (var (path, scale) in adapters)
        {
            hash.AppendData(GgufContentIdentity.Compute(Path.GetFullPath(path)));
            BinaryPrimitives.WriteSingleLittleEndian(number, scale);
            hash.AppendData(number);
        }

        return hash.GetHashAndReset();
    }

    /// <summary>The identity of the context settings that change what a saved state means.</summary>
    /// <param name="flashAttention">Whether the context uses flash attention.</param>
    /// <returns>32 bytes.</returns>
    public static byte[] SettingsIdentity(bool flashAttention) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(flashAttention ? "flash-attention=on" : "flash-attention=off"));

    /// <summary>Tells which part of <paramref name="other"/> differs from this identity, or <see langword="null"/> when none does.</summary>
    /// <param name="other">The identity read from a file.</param>
    /// <returns>"model", "LoRA adapters" or "context settings".</returns>
    public string? Difference(PrefixCacheIdentity other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return !Model.AsSpan().SequenceEqual(other.Model) ? "model"
            : !Adapters.AsSpan().SequenceEqual(other.Adapters) ? "LoRA adapters"
            : !Settings.AsSpan().SequenceEqual(other.Settings) ? "context settings"
            : null;
    }
}
