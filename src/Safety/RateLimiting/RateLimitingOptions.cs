namespace Agents.Safety.RateLimiting;

/// <summary>
/// Limits for <see cref="RateLimitingGenerator"/>: requests and tokens per minute (for all traffic and for each
/// tenant), concurrent requests, and how long a request may wait for room.
/// </summary>
/// <remarks>
/// Every limit is optional (<see langword="null"/> means unlimited), but at least one must be set. The per-minute
/// limits hold over every sliding 60-second window: at no moment do the requests admitted during the last minute
/// exceed the limit.
/// </remarks>
public sealed class RateLimitingOptions
{
    /// <summary>Gets or sets the most requests admitted per minute, all tenants together.</summary>
    /// <value><see langword="null"/> by default: unlimited; otherwise at least 1.</value>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Gets or sets the most tokens (estimated, then reconciled with the reported usage) per minute, all tenants together.</summary>
    /// <value><see langword="null"/> by default: unlimited; otherwise at least 1.</value>
    public int? TokensPerMinute { get; set; }

    /// <summary>Gets or sets the most requests admitted per minute for any one tenant.</summary>
    /// <value><see langword="null"/> by default: unlimited; otherwise at least 1.</value>
    public int? TenantRequestsPerMinute { get; set; }

    /// <summary>Gets or sets the most tokens per minute for any one tenant.</summary>
    /// <value><see langword="null"/> by default: unlimited; otherwise at least 1.</value>
    public int? TenantTokensPerMinute { get; set; }

    /// <summary>Gets or sets the most requests in flight at once through this instance, all tenants together.</summary>
    /// <value><see langword="null"/> by default: unlimited; otherwise at least 1. Always local to the process, even with <see cref="Distributed"/>.</value>
    public int? MaxConcurrentRequests { get; set; }

    /// <summary>Gets or sets the most requests that may wait for room at once; further requests are rejected at once.</summary>
    /// <value>100 by default; 0 disables waiting.</value>
    public int QueueLimit { get; set; } = 100;

    /// <summary>
    /// Gets or sets the longest a request waits for room. A request that cannot be admitted within it is rejected
    /// with a <see cref="RateLimitedException"/> carrying <see cref="RateLimitedException.RetryAfter"/>, and nothing is sent.
    /// </summary>
    /// <value>30 seconds by default; <see cref="TimeSpan.Zero"/> rejects at once instead of waiting.</value>
    public TimeSpan MaxQueueWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the output tokens counted for a request that leaves <see cref="GenerationOptions.MaxTokens"/> unset.</summary>
    /// <value>1,024 by default; at least 1.</value>
    public int DefaultMaxOutputTokens { get; set; } = 1024;

    /// <summary>
    /// Gets or sets how a request's tenant is found. Return <see langword="null"/> to count the request only
    /// against the global limits. The key must come from something the application controls, not from text an
    /// end user can choose, or a user could mint tenants to escape their limit.
    /// </summary>
    /// <value><see cref="DefaultTenantKeySelector"/>: the request's <see cref="CacheHint.TenantKey"/>.</value>
    public Func<GenerationRequest, string?> TenantKeySelector { get; set; } = DefaultTenantKeySelector;

    /// <summary>
    /// Gets or sets the estimator of a request's prompt tokens. When set, it is used instead of the generator chain's
    /// <see cref="ITokenizer"/> (which is then not asked for).
    /// </summary>
    /// <value><see langword="null"/> by default: <see cref="TokenCostEstimator.EstimatePromptTokens(GenerationRequest, ITokenizer?)"/>, with the chain's tokenizer when it offers one.</value>
    public Func<GenerationRequest, int>? PromptTokenEstimator { get; set; }

    /// <summary>Gets or sets the shared Redis budget; <see langword="null"/> keeps every limit local to this process.</summary>
    /// <value><see langword="null"/> by default.</value>
    public DistributedRateLimitingOptions? Distributed { get; set; }

    /// <summary>The default <see cref="TenantKeySelector"/>: the request's <see cref="CacheHint.TenantKey"/>, or <see langword="null"/>.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The tenant key, or <see langword="null"/> for the global partition only.</returns>
    public static string? DefaultTenantKeySelector(GenerationRequest request) => request?.Options?.CacheHint?.TenantKey;

    /// <summary>Checks every option and reports all problems at once.</summary>
    /// <exception cref="ArgumentException">One or more options are invalid; the message lists each, naming the option.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        CheckPositive(errors, RequestsPerMinute, nameof(RequestsPerMinute));
        CheckPositive(errors, TokensPerMinute, nameof(TokensPerMinute));
        CheckPositive(errors, TenantRequestsPerMinute, nameof(TenantRequestsPerMinute));
        CheckPositive(errors, TenantTokensPerMinute, nameof(TenantTokensPerMinute));
        CheckPositive(errors, MaxConcurrentRequests, nameof(MaxConcurrentRequests));
        if (RequestsPerMinute is null && TokensPerMinute is null && TenantRequestsPerMinute is null
            && TenantTokensPerMinute is null && MaxConcurrentRequests is null)
        {
            errors.Add("At least one limit must be set: RequestsPerMinute, TokensPerMinute, TenantRequestsPerMinute, TenantTokensPerMinute or MaxConcurrentRequests.");
        }

        if (QueueLimit < 0)
        {
            errors.Add($"QueueLimit must be 0 or more; it is {QueueLimit}.");
        }

        if (MaxQueueWait < TimeSpan.Zero || MaxQueueWait > TimeSpan.FromHours(1))
        {
            errors.Add($"MaxQueueWait must be between 0 and 1 hour; it is {MaxQueueWait}.");
        }

        if (DefaultMaxOutputTokens < 1)
        {
            errors.Add($"DefaultMaxOutputTokens must be at least 1; it is {DefaultMaxOutputTokens}.");
        }

        if (TenantKeySelector is null)
        {
            errors.Add("TenantKeySelector must not be null.");
        }

        Distributed?.Validate(errors);
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid rate limiting options: " + string.Join(" ", errors));
        }
    }

    private static void CheckPositive(List<string> errors, int? value, string name)
    {
        if (value is < 1)
        {
            errors.Add($"{name} must be at least 1 when set; it is {value}.");
        }
    }
}
