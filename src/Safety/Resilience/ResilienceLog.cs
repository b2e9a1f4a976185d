using Microsoft.Extensions.Logging;

namespace Agents.Safety.Resilience;

/// <summary>The resilience middleware's log messages (category <c>Agents.Safety.Resilience.ResilienceGenerator</c>).</summary>
internal static partial class ResilienceLog
{
    [LoggerMessage(1, LogLevel.Warning, "{Backend}: attempt {Attempt} failed ({ErrorType}); retrying in {DelayMilliseconds} ms.")]
    public static partial void Retrying(ILogger logger, string backend, int attempt, string errorType, double delayMilliseconds, Exception? exception);

    [LoggerMessage(2, LogLevel.Error, "{Backend}: circuit opened for {BreakDuration} after repeated failures.")]
    public static partial void BreakerOpened(ILogger logger, string backend, TimeSpan breakDuration, Exception? exception);

    [LoggerMessage(3, LogLevel.Information, "{Backend}: circuit half-open; a trial call goes through.")]
    public static partial void BreakerHalfOpened(ILogger logger, string backend);

    [LoggerMessage(4, LogLevel.Information, "{Backend}: circuit closed; calls flow again.")]
    public static partial void BreakerClosed(ILogger logger, string backend);

    [LoggerMessage(5, LogLevel.Warning, "{Backend} failed ({ErrorType}); falling back to {Fallback} with model {FallbackModel}.")]
    public static partial void FallingBack(ILogger logger, string backend, string errorType, string fallback, string? fallbackModel, Exception exception);

    [LoggerMessage(6, LogLevel.Warning, "{Backend}: a stream failed after {Updates} update(s) had been delivered; it cannot be retried.")]
    public static partial void StreamInterrupted(ILogger logger, string backend, int updates, Exception exception);
}
