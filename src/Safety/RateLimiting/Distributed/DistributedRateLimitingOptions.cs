using StackExchange.Redis;

namespace Agents.Safety.RateLimiting;

/// <summary>Shares the per-minute limits of <see cref="RateLimitingOptions"/> between processes through Redis.</summary>
public sealed class DistributedRateLimitingOptions
{
    /// <summary>Gets or sets the Redis connection.</summary>
    /// <value><see langword="null"/> by default: the <see cref="IConnectionMultiplexer"/> registered in the pipeline's services.</value>
    public IConnectionMultiplexer? Connection { get; set; }

    /// <summary>Gets or sets the text every Redis key starts with; instances sharing a budget must use the same.</summary>
    /// <value><c>"{agents-rate-limit}:"</c> by default. The braces make it a cluster hash tag, so one script's keys share a slot.</value>
    public string KeyPrefix { get; set; } = "{agents-rate-limit}:";

    /// <summary>Gets or sets what happens while Redis cannot be reached.</summary>
    /// <value><see cref="RedisUnavailableBehavior.FallBackToLocalShare"/> by default.</value>
    public RedisUnavailableBehavior WhenUnavailable { get; set; } = RedisUnavailableBehavior.FallBackToLocalShare;

    /// <summary>
    /// Gets or sets this instance's share of the per-minute limits while it falls back to local limits; with N
    /// instances, 1/N keeps the fleet under the provider's quota.
    /// </summary>
    /// <value>1 by default; in (0, 1].</value>
    public double InstanceShare { get; set; } = 1.0;

    /// <summary>Gets or sets how long, after Redis failed, this instance keeps to the configured behaviour before trying Redis again.</summary>
    /// <value>5 seconds by default; also the <see cref="RateLimitedException.RetryAfter"/> of a request refused while failing closed.</value>
    public TimeSpan UnavailableRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    internal void Validate(List<string> errors)
    {
        if (string.IsNullOrEmpty(KeyPrefix))
        {
            errors.Add("Distributed.KeyPrefix must not be empty.");
        }

        if (!Enum.IsDefined(WhenUnavailable))
        {
            errors.Add($"Distributed.WhenUnavailable must be FailClosed or FallBackToLocalShare; it is {(int)WhenUnavailable}.");
        }

        if (!(InstanceShare > 0 && InstanceShare <= 1))
        {
            errors.Add($"Distributed.InstanceShare must be in (0, 1]; it is {InstanceShare}.");
        }

        if (UnavailableRetryInterval <= TimeSpan.Zero || UnavailableRetryInterval > TimeSpan.FromMinutes(10))
        {
            errors.Add($"Distributed.UnavailableRetryInterval must be above 0 and at most 10 minutes; it is {UnavailableRetryInterval}.");
        }
    }
}
