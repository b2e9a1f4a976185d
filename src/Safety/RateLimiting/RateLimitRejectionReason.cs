namespace Agents.Safety.RateLimiting;

/// <summary>Why a request was not admitted; the <c>agents.rate_limit.reason</c> tag of the rejected counter.</summary>
internal enum RateLimitRejectionReason
{
    None = 0,

    /// <summary>A requests-per-minute limit.</summary>
    Requests,

    /// <summary>A tokens-per-minute limit.</summary>
    Tokens,

    /// <summary>The request alone costs more tokens than a whole minute's budget: it can never be admitted.</summary>
    TooLarge,

    /// <summary>The concurrency limit, when no slot freed within the wait.</summary>
    Concurrency,

    /// <summary>The waiting queue was full.</summary>
    QueueFull,

    /// <summary>The shared budget could not be reached and the limiter fails closed.</summary>
    Unavailable,
}
