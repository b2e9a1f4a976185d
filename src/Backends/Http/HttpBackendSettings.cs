namespace Agents.Backends.Http;

/// <summary>What the shared HTTP plumbing needs to know about one configured backend.</summary>
internal sealed record HttpBackendSettings
{
    /// <summary>Gets the provider name put on errors and logs ("openai", "anthropic").</summary>
    public required string Provider { get; init; }

    /// <summary>Gets the base address requests are resolved against; always ends with '/'.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>Gets the response header that carries the provider's request id.</summary>
    public required string RequestIdHeader { get; init; }

    /// <summary>Gets the limit for the response headers, a whole non-streamed body, and each gap in a stream.</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>Gets the cap on a server's Retry-After.</summary>
    public required TimeSpan MaxRetryAfter { get; init; }

    /// <summary>Gets the redactor for the configured key.</summary>
    public required SecretRedactor Redactor { get; init; }

    /// <summary>Gets the most bytes of an error body read (for the message and excerpt); the rest is never read.</summary>
    public int MaxErrorBodyBytes { get; init; } = 64 * 1024;

    /// <summary>Gets the most bytes of a whole (non-streamed) JSON body; a longer one is a <see cref="ProviderException"/>.</summary>
    public int MaxResponseBodyBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>Gets the most bytes of one server-sent event (its lines up to the blank line); a longer one is a <see cref="ProviderException"/>.</summary>
    public int MaxStreamEventBytes { get; init; } = 1024 * 1024;

    /// <summary>Gets the clock of every timeout and of the Retry-After date arithmetic.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Gets a value indicating whether request bodies (prompt text) may be logged.</summary>
    public bool LogSensitiveData { get; init; }

    /// <summary>Returns <paramref name="endpoint"/> with a trailing '/', so relative paths append rather than replace.</summary>
    public static Uri NormalizeBase(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var text = endpoint.ToString();
        return text.EndsWith('/') ? endpoint : new Uri(text + "/");
    }
}
