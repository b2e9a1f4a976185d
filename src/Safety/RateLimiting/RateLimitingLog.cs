using Microsoft.Extensions.Logging;

namespace Agents.Safety.RateLimiting;

/// <summary>The rate limiter's log messages (category <c>Agents.Safety.RateLimiting.RateLimitingGenerator</c>).</summary>
internal static partial class RateLimitingLog
{
    [LoggerMessage(1, LogLevel.Debug, "Rate limit: request waits {WaitMilliseconds} ms for room ({Reason}, {Scope}).")]
    public static partial void Waiting(ILogger logger, double waitMilliseconds, string reason, string scope);

    [LoggerMessage(2, LogLevel.Information, "Rate limit: request rejected ({Reason}, {Scope}); retry after {RetryAfter}.")]
    public static partial void Rejected(ILogger logger, string reason, string scope, TimeSpan? retryAfter);

    [LoggerMessage(3, LogLevel.Warning, "The shared Redis rate-limit budget cannot be reached; behaviour {Behavior} (instance share {InstanceShare}) for at least {RetryInterval}.")]
    public static partial void RedisUnavailable(ILogger logger, RedisUnavailableBehavior behavior, double instanceShare, TimeSpan retryInterval, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "The shared Redis rate-limit budget is reachable again.")]
    public static partial void RedisAvailableAgain(ILogger logger);

    [LoggerMessage(5, LogLevel.Warning, "Could not reconcile a request's tokens with the shared Redis budget; its estimate stands.")]
    public static partial void ReconcileFailed(ILogger logger, Exception exception);
}
