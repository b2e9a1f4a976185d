using System.Net.Sockets;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Agents.Safety.Resilience;

/// <summary>Decides which failures are worth retrying: the ones where the same request may succeed a little later.</summary>
public static class TransientFailureClassifier
{
    /// <summary>
    /// Gets whether <paramref name="exception"/> is transient: a rate limit (429, unless the provider said the
    /// quota is exhausted), 408, 409, a 5xx or 529 overload, a timeout, a dropped or refused connection. Never a
    /// 400, 401, 403 or 404, an invalid request, a validation failure, blocked content, a context window overflow, a
    /// stream that already delivered content, an open circuit, or a cancellation.
    /// </summary>
    /// <param name="exception">The failure.</param>
    /// <returns><see langword="true"/> when retrying may help.</returns>
    public static bool IsTransient(Exception? exception) => exception switch
    {
        null => false,
        OperationCanceledException => false,
        BrokenCircuitException => false,
        TimeoutRejectedException => true,
        StreamInterruptedException or InvalidRequestException or ValidationFailedException or ContentBlockedException
            or ContextWindowExceededException or ModelLoadException => false,
        RateLimitedException limited => limited.IsTransient,
        ProviderException { StatusCode: { } status } => status is 408 or 409 or 429 || status >= 500,
        GeneratorException generator => generator.IsTransient,
        HttpRequestException { StatusCode: { } code } => (int)code is 408 or 409 or 429 || (int)code >= 500,
        TimeoutException or HttpRequestException or IOException or SocketException => true,
        _ => false,
    };
}
