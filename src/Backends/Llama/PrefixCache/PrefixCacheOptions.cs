using System.ComponentModel.DataAnnotations;

namespace Agents.Backends.Llama.PrefixCache;

/// <summary>
/// How the local backend's KV-prefix cache is sized and where its disk tier lives. Checked by
/// <see cref="Agents.Configuration.OptionsValidator"/> (every bad setting at once, each under its key).
/// </summary>
public sealed class PrefixCacheOptions : IValidatableObject
{
    /// <summary>The default memory budget: 1 GiB.</summary>
    public const long DefaultMaxBytes = 1L << 30;

    /// <summary>The default disk budget: 4 GiB.</summary>
    public const long DefaultMaxDiskBytes = 4L << 30;

    /// <summary>Gets or sets the memory budget for saved prefix states, in bytes; least recently used states go first.</summary>
    /// <value><see cref="DefaultMaxBytes"/> (1 GiB: about 65,000 tokens of a 60M-parameter model, 2,000 of a 7B one).</value>
    public long MaxBytes { get; set; } = DefaultMaxBytes;

    /// <summary>Gets or sets the shortest prefix worth saving or restoring, in tokens.</summary>
    /// <value>16.</value>
    [Range(1, int.MaxValue)]
    public int MinimumPrefixTokens { get; set; } = 16;

    /// <summary>
    /// Gets or sets the folder of the optional disk tier: states evicted from memory are written there and read back
    /// on a later hit. <see langword="null"/> turns the disk tier off.
    /// </summary>
    /// <value><see langword="null"/>.</value>
    public string? DiskDirectory { get; set; }

    /// <summary>Gets or sets the disk tier's budget, in bytes; least recently used files are deleted first.</summary>
    /// <value><see cref="DefaultMaxDiskBytes"/>.</value>
    public long MaxDiskBytes { get; set; } = DefaultMaxDiskBytes;

    /// <summary>
    /// Gets or sets whether requests without a tenant key (<see cref="CacheHint.TenantKey"/>) reuse each other's
    /// cached prefixes (<see langword="false"/>: one shared anonymous scope), or each is isolated
    /// (<see langword="true"/>: its KV is reused by no other request, beyond the tokens it marked shared). See the
    /// "Threats" section of docs/prefix-cache.md for the choice.
    /// </summary>
    /// <value><see langword="false"/>: requests without a tenant share one scope (an in-process model serves one application).</value>
    public bool IsolateRequestsWithoutTenant { get; set; }

    /// <summary>Returns a copy of these options.</summary>
    /// <returns>The copy.</returns>
    public PrefixCacheOptions Clone() => (PrefixCacheOptions)MemberwiseClone();

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxBytes <= 0)
        {
            yield return new ValidationResult($"{nameof(MaxBytes)} must be positive (was {MaxBytes}).", [nameof(MaxBytes)]);
        }

        if (DiskDirectory is not null && string.IsNullOrWhiteSpace(DiskDirectory))
        {
            yield return new ValidationResult($"{nameof(DiskDirectory)} must be null or a folder path (was empty).", [nameof(DiskDirectory)]);
        }

        if (MaxDiskBytes <= 0)
        {
            yield return new ValidationResult($"{nameof(MaxDiskBytes)} must be positive (was {MaxDiskBytes}).", [nameof(MaxDiskBytes)]);
        }
    }
}
