namespace Agents.Safety.RateLimiting;

/// <summary>What a distributed rate limiter does while Redis cannot be reached.</summary>
public enum RedisUnavailableBehavior
{
    /// <summary>Refuse every request with a <see cref="RateLimitedException"/>: never risk the shared quota.</summary>
    FailClosed = 0,

    /// <summary>
    /// Keep serving under local limits scaled to <see cref="DistributedRateLimitingOptions.InstanceShare"/>, logging
    /// a warning and counting the outage.
    /// </summary>
    FallBackToLocalShare = 1,
}
