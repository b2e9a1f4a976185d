namespace Agents;

/// <summary>A rate limit (the provider's, or one of ours) refused the request.</summary>
public sealed class RateLimitedException : GeneratorException
{
    /// <summary>Creates the exception.</summary>
    public RateLimitedException()
        : this("The request was rate limited.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public RateLimitedException(string message)
        : base(message)
    {
        IsTransient = true;
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The failure behind it.</param>
    public RateLimitedException(string message, Exception? innerException)
        : base(message, innerException)
    {
        IsTransient = true;
    }

    /// <summary>Creates the exception with the time to wait.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="retryAfter">How long to wait before retrying, when known.</param>
    /// <param name="innerException">The failure behind it.</param>
    public RateLimitedException(string message, TimeSpan? retryAfter, Exception? innerException = null)
        : base(message, innerException)
    {
        RetryAfter = retryAfter;
        IsTransient = true;
    }

    /// <summary>Gets how long to wait before retrying, when the limiter or provider said.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Gets or sets the HTTP status code, for a provider's limit (429, or 529 for an overload).</summary>
    public int? StatusCode { get; init; }

    /// <summary>Gets or sets the provider's request id, for a provider's limit.</summary>
    public string? RequestId { get; init; }
}
