using System.Net;
using System.Net.Sockets;
using Agents.Safety.Resilience;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Agents.Safety.Tests.Resilience;

public sealed class ResilienceOptionsTests
{
    [Fact]
    public void Validate_SeveralBadOptions_OneExceptionListingEach()
    {
        var options = new ResilienceOptions
        {
            MaxRetryAttempts = -1,
            BaseDelay = TimeSpan.FromSeconds(-1),
            MaxDelay = TimeSpan.Zero,
            FailureRatio = 0,
            MinimumThroughput = 1,
            BreakDuration = TimeSpan.FromMilliseconds(10),
            TotalTimeout = TimeSpan.Zero,
            AttemptTimeout = TimeSpan.FromSeconds(-3),
        };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        foreach (var name in new[] { "MaxRetryAttempts", "BaseDelay", "MaxDelay", "FailureRatio", "MinimumThroughput", "BreakDuration", "TotalTimeout", "AttemptTimeout" })
        {
            Assert.Contains(name, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_Defaults_AreValid() => new ResilienceOptions().Validate();

    public static TheoryData<Exception, bool> Failures() => new()
    {
        { new RateLimitedException("429", TimeSpan.FromSeconds(1)), true },
        { new RateLimitedException("quota") { IsTransient = false }, false },
        { new ProviderException("503") { StatusCode = 503 }, true },
        { new ProviderException("529") { StatusCode = 529 }, true },
        { new ProviderException("408") { StatusCode = 408 }, true },
        { new ProviderException("400") { StatusCode = 400, IsTransient = true }, false },
        { new ProviderException("401") { StatusCode = 401 }, false },
        { new ProviderException("403") { StatusCode = 403 }, false },
        { new ProviderException("404") { StatusCode = 404 }, false },
        { new ProviderException("connection") { ErrorCode = "connection_failed", IsTransient = true }, true },
        { new ProviderException("unknown"), false },
        { new InvalidRequestException("x"), false },
        { new ValidationFailedException("v", ["bad"]), false },
        { new ContentBlockedException("x"), false },
        { new ContextWindowExceededException(10, 5), false },
        { new StreamInterruptedException("partial", 1, new ProviderException("503") { StatusCode = 503 }), false },
        { new TimeoutException(), true },
        { new TimeoutRejectedException(), true },
        { new HttpRequestException("reset"), true },
        { new HttpRequestException("bad", null, HttpStatusCode.BadRequest), false },
        { new HttpRequestException("unavailable", null, HttpStatusCode.ServiceUnavailable), true },
        { new IOException("broken pipe"), true },
        { new SocketException(), true },
        { new BrokenCircuitException(), false },
        { new OperationCanceledException(), false },
        { new TaskCanceledException(), false },
        { new ArgumentException("x"), false },
        { new InvalidOperationException("x"), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void IsTransient_ClassifiesEachFailure(Exception exception, bool expected) =>
        Assert.Equal(expected, TransientFailureClassifier.IsTransient(exception));
}
