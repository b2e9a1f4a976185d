using System.Security.Cryptography;
using System.Text;

namespace Agents.Backends.Llama.PrefixCache;

/// <summary>
/// The isolation scope of cached prefixes: one per tenant, one for the anonymous tenant, and one for prefixes
/// explicitly marked shared. Lookups never cross scopes, so identical tokens of two tenants never share state.
/// </summary>
/// <remarks>The scope is identified by a SHA-256 hash of its name, so tenant keys never reach disk or logs.</remarks>
internal readonly record struct PrefixScope
{
    private PrefixScope(byte[] hash) => Id = Convert.ToHexString(hash);

    /// <summary>Gets the scope's id: the hex SHA-256 hash of its name.</summary>
    public string Id { get; }

    /// <summary>Gets the scope of prefixes every tenant may reuse.</summary>
    public static PrefixScope Shared { get; } = FromName("shared");

    /// <summary>Gets the scope of requests without a tenant key.</summary>
    public static PrefixScope Anonymous { get; } = FromName("anonymous");

    /// <summary>Returns the scope of a tenant.</summary>
    /// <param name="tenantKey">The tenant key; <see langword="null"/> or empty means the anonymous tenant.</param>
    /// <returns>The scope.</returns>
    public static PrefixScope ForTenant(string? tenantKey) =>
        string.IsNullOrEmpty(tenantKey) ? Anonymous : FromName("tenant:" + tenantKey);

    /// <summary>Returns a scope no other request has: for a request without a tenant when such requests are isolated.</summary>
    /// <returns>The scope.</returns>
    public static PrefixScope Isolated() => FromName("isolated:" + Guid.NewGuid().ToString("N"));

    /// <summary>Returns the scope identified by a 32-byte hash read back from a state file.</summary>
    /// <param name="hash">The hash.</param>
    /// <returns>The scope.</returns>
    public static PrefixScope FromHash(ReadOnlySpan<byte> hash) => new(hash.ToArray());

    /// <summary>Writes the scope's 32-byte hash into <paramref name="destination"/>.</summary>
    /// <param name="destination">At least 32 bytes.</param>
    public void WriteHash(Span<byte> destination) => Convert.FromHexString(Id, destination, out _, out _);

    /// <inheritdoc/>
    public override string ToString() => Id[..12];

    private static PrefixScope FromName(string name) => new(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
}
