namespace Agents;

/// <summary>
/// Tells caches which part of a request is stable from one request to the next, and whose it is.
/// </summary>
/// <remarks>
/// <para>
/// The local backend's KV-prefix cache reuses the evaluated state of the stable prefix; hosted backends turn the
/// hint into the provider's prompt-caching parameters (Anthropic <c>cache_control</c> breakpoints, OpenAI
/// <c>prompt_cache_key</c>). <c>UsePromptCaching()</c> fills it in automatically.
/// </para>
/// <para>
/// Cached state is isolated per <see cref="TenantKey"/>: one tenant never reuses another's, even for identical
/// tokens, except for the first <see cref="SharedPrefixMessageCount"/> messages, which are explicitly shared.
/// </para>
/// </remarks>
public sealed record CacheHint
{
    /// <summary>Gets how many leading messages of the request are stable (expected again in later requests).</summary>
    /// <value>0 by default: nothing is marked stable.</value>
    public int StablePrefixMessageCount { get; init; }

    /// <summary>Gets whether the tool definitions belong to the stable prefix.</summary>
    /// <value><see langword="true"/> by default.</value>
    public bool ToolsAreStable { get; init; } = true;

    /// <summary>Gets the key of the tenant (user, conversation, customer) the cached state belongs to.</summary>
    /// <value><see langword="null"/> for the anonymous tenant.</value>
    public string? TenantKey { get; init; }

    /// <summary>
    /// Gets how many leading messages (at most <see cref="StablePrefixMessageCount"/>) every tenant may share,
    /// for example a common system prompt.
    /// </summary>
    /// <value>0 by default: nothing is shared across tenants.</value>
    public int SharedPrefixMessageCount { get; init; }
}
