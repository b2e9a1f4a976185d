using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Agents.Backends.Llama.PrefixCache;

/// <summary>The identity saved states are tied to: a state restores only into a context of the same identity.</summary>
internal static class PrefixCacheIdentity
{
    /// <summary>
    /// Computes the identity that disk-tier states are tied to: the model file (path, size, modification time), its
    /// shape, and every context setting that changes the KV layout or values.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="flashAttention">Whether the context uses flash attention (changes the V layout and values).</param>
    /// <param name="adapters">A description of the LoRA adapters and scales applied, when any.</param>
    /// <returns>32 bytes.</returns>
    public static byte[] Compute(LlamaModelInfo model, bool flashAttention, string? adapters = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var description = string.Join(
            '\n',
            Path.GetFullPath(model.Path),
            model.FileSizeBytes.ToString(CultureInfo.InvariantCulture),
            File.GetLastWriteTimeUtc(model.Path).Ticks.ToString(CultureInfo.InvariantCulture),
            model.Architecture,
            model.ParameterCount.ToString(CultureInfo.InvariantCulture),
            model.VocabularySize.ToString(CultureInfo.InvariantCulture),
            model.EmbeddingSize.ToString(CultureInfo.InvariantCulture),
            flashAttention ? "flash-attention" : "no-flash-attention",
            adapters ?? string.Empty);
        return SHA256.HashData(Encoding.UTF8.GetBytes(description));
    }
}
