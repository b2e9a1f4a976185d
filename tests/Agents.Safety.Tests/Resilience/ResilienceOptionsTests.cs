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

    [Fact]
    public void Validate_EveryOptionAtItsInclusiveLimit_IsValid()
    {
        new ResilienceOptions
        {
            MaxRetryAttempts = 20,
            BaseDelay = TimeSpan.Zero,
            MaxDelay = TimeSpan.FromDays(1),
            MaxRetryAfter = TimeSpan.Zero,
            FailureRatio = 1,
            MinimumThroughput = 2,
            SamplingDuration = TimeSpan.FromMilliseconds(500),
            BreakDuration = TimeSpan.FromDays(1),
            AttemptTimeout = TimeSpan.FromDays(1),
            TotalTimeout = TimeSpan.FromTicks(1),
        }.Validate();
        new ResilienceOptions
        {
            MaxRetryAttempts = 0,
            BaseDelay = TimeSpan.FromSeconds(2),
            MaxDelay = TimeSpan.FromSeconds(2),
            MaxRetryAfter = TimeSpan.FromDays(1),
            SamplingDuration = TimeSpan.FromDays(1),
            BreakDuration = TimeSpan.FromMilliseconds(500),
        }.Validate();
    }

    [Fact]
    public void Validate_CircuitBreakerOff_BreakerOptionsAreNotChecked() =>
        new ResilienceOptions { EnableCircuitBreaker = false, FailureRatio = 2, MinimumThroughput = 0, BreakDuration = TimeSpan.Zero }.Validate();

    public static TheoryData<string, ResilienceOptions> OneBadOption() => new()
    {
        { "MaxRetryAttempts", new ResilienceOptions { MaxRetryAttempts = 21 } },
        { "MaxRetryAttempts", new ResilienceOptions { MaxRetryAttempts = -1 } },
        { "BaseDelay must be 0 or more", new ResilienceOptions { BaseDelay = TimeSpan.FromTicks(-1), MaxDelay = TimeSpan.FromSeconds(1) } },
        { "MaxDelay must be above 0", new ResilienceOptions { BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero } },
        { "MaxDelay must be above 0", new ResilienceOptions { MaxDelay = TimeSpan.FromDays(1) + TimeSpan.FromTicks(1) } },
        { "must not be below BaseDelay", new ResilienceOptions { BaseDelay = TimeSpan.FromSeconds(3), MaxDelay = TimeSpan.FromSeconds(2) } },
        { "MaxRetryAfter", new ResilienceOptions { MaxRetryAfter = TimeSpan.FromTicks(-1) } },
        { "FailureRatio", new ResilienceOptions { FailureRatio = 1.01 } },
        { "FailureRatio", new ResilienceOptions { FailureRatio = double.NaN } },
        { "MinimumThroughput", new ResilienceOptions { MinimumThroughput = 1 } },
        { "SamplingDuration", new ResilienceOptions { SamplingDuration = TimeSpan.FromMilliseconds(499) } },
        { "SamplingDuration", new ResilienceOptions { SamplingDuration = TimeSpan.FromDays(1) + TimeSpan.FromTicks(1) } },
        { "BreakDuration", new ResilienceOptions { BreakDuration = TimeSpan.FromMilliseconds(499) } },
        { "BreakDuration", new ResilienceOptions { BreakDuration = TimeSpan.FromDays(1) + TimeSpan.FromTicks(1) } },
        { "AttemptTimeout must be above 0", new ResilienceOptions { AttemptTimeout = TimeSpan.Zero } },
        { "TotalTimeout must be above 0", new ResilienceOptions { TotalTimeout = TimeSpan.FromDays(2) } },
    };

    [Theory]
    [MemberData(nameof(OneBadOption))]
    public void Validate_OneOptionJustOutOfRange_ThrowsNamingIt(string expected, ResilienceOptions options)
    {
        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<Exception, bool> Failures() => new()
    {
        { new ProviderException("409") { StatusCode = 409 }, true },
        { new ProviderException("429") { StatusCode = 429 }, true },
        { new ProviderException("500") { StatusCode = 500 }, true },
        { new ProviderException("499") { StatusCode = 499 }, false },
        { new ProviderException("410") { StatusCode = 410 }, false },
        { new HttpRequestException("timeout", null, HttpStatusCode.RequestTimeout), true },
        { new HttpRequestException("conflict", null, HttpStatusCode.Conflict), true },
        { new HttpRequestException("429", null, HttpStatusCode.TooManyRequests), true },
        { new HttpRequestException("500", null, HttpStatusCode.InternalServerError), true },
        { new HttpRequestException("499", null, (HttpStatusCode)499), false },
        { new ModelLoadException("model.gguf", "missing"), false },
        { new GeneratorException("flaky") { IsTransient = true }, true },
        { new GeneratorException("broken"), false },
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

    /// <summary>Failures a retry cannot fix, marked transient anyway (e.g. by an adapter that flags every 5xx-wrapped error).</summary>
    public static TheoryData<Exception> NeverTransientKindsMarkedTransient() =>
    [
        new StreamInterruptedException("partial", 1, null) { IsTransient = true },
        new InvalidRequestException("x") { IsTransient = true },
        new ValidationFailedException("v", ["bad"]) { IsTransient = true },
        new ContentBlockedException("x") { IsTransient = true },
        new ContextWindowExceededException(10, 5) { IsTransient = true },
        new ModelLoadException("model.gguf", "missing") { IsTransient = true },
    ];

    [Theory]
    [MemberData(nameof(NeverTransientKindsMarkedTransient))]
    public void IsTransient_KindsARetryCannotFix_FalseEvenWhenMarkedTransient(Exception exception)
    {
        Assert.True(((GeneratorException)exception).IsTransient);
        Assert.False(TransientFailureClassifier.IsTransient(exception));
    }

    [Fact]
    public void IsTransient_Null_IsFalse() => Assert.False(TransientFailureClassifier.IsTransient(null));

    [Theory]
    [MemberData(nameof(Failures))]
    public void IsTransient_ClassifiesEachFailure(Exception exception, bool expected) =>
        Assert.Equal(expected, TransientFailureClassifier.IsTransient(exception));
}
