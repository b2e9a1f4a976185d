using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Agents.Safety.Resilience;

/// <summary>
/// Middleware that survives a backend's failures: retries transient ones with exponential backoff and jitter
/// (honouring a rate limit's <see cref="RateLimitedException.RetryAfter"/> up to a cap), stops calling a failing
/// backend with a circuit breaker, bounds attempts and the whole call with timeouts, and hands the call to a
/// fallback generator when the backend cannot answer. Built on Polly v8.
/// </summary>
/// <remarks>
/// <para>
/// Which failures are retried: <see cref="TransientFailureClassifier.IsTransient"/>. Non-transient failures (400,
/// 401, 404, invalid requests, validation failures) pass straight through, untouched and unretried.
/// </para>
/// <para>
/// Streams are retried or handed to the fallback only until their first content (text or a tool call) has been
/// delivered; updates carrying only metadata before it are held back until then. A failure after that surfaces as a
/// <see cref="StreamInterruptedException"/> carrying the text already delivered.
/// </para>
/// <para>
/// An open circuit surfaces (without a fallback) as a <see cref="ProviderException"/> with
/// <see cref="ProviderException.ErrorCode"/> <c>circuit_open</c>; a timeout as one with <c>timeout</c> and an inner
/// <see cref="TimeoutException"/>. Both are transient. Each instance has its own breaker: add one per backend.
/// </para>
/// </remarks>
public sealed class ResilienceGenerator : DelegatingGenerator
{
    private readonly ResilienceOptions _options;
    private readonly ResiliencePipeline _pipeline;
    private readonly TimeProvider _timeProvider;
    private readonly ResilienceMetrics _metrics;
    private readonly ILogger _logger;
    private readonly string _backend;
    private readonly string _fallbackName;

    /// <summary>Wraps <paramref name="innerGenerator"/>.</summary>
    /// <param name="innerGenerator">The primary backend (or the rest of the pipeline in front of it).</param>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="timeProvider">The clock of backoffs, timeouts and the breaker; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Logs retries, breaker transitions and fallbacks; none when <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the <see cref="ResilienceMetrics.MeterName"/> meter; a private meter when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public ResilienceGenerator(
        IGenerator innerGenerator,
        ResilienceOptions options,
        TimeProvider? timeProvider = null,
        ILogger? logger = null,
        IMeterFactory? meterFactory = null)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _metrics = new ResilienceMetrics(meterFactory);
        _backend = options.BackendName ?? innerGenerator.GetMetadata()?.ProviderName ?? "unknown";
        _fallbackName = options.FallbackGenerator?.GetMetadata()?.ProviderName ?? "fallback";
        _pipeline = BuildPipeline();
    }

    /// <summary>Gets the state of this backend's circuit breaker, or <see langword="null"/> when it is switched off.</summary>
    public CircuitState? CircuitState => StateProvider?.CircuitState;

    private CircuitBreakerStateProvider? StateProvider { get; set; }

    /// <inheritdoc/>
    /// <exception cref="ProviderException">The circuit is open (<c>circuit_open</c>) or a timeout expired (<c>timeout</c>), and there is no fallback.</exception>
    public override async Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var total = TotalTimeoutSource(cancellationToken, out var token);
        try
        {
            try
            {
                return await _pipeline.ExecuteAsync(
                    static (state, ct) => new ValueTask<GenerationResult>(state.Inner.GenerateAsync(state.Request, ct)),
                    (Inner: InnerGenerator, Request: request),
                    token).ConfigureAwait(false);
            }
            catch (Exception ex) when (CanFallBack(ex, total, cancellationToken))
            {
                var fallbackRequest = StartFallback(request, ex);
                return await _options.FallbackGenerator!.GenerateAsync(fallbackRequest, token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (Translate(ex, total, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc/>
    /// <exception cref="StreamInterruptedException">The stream failed after content had been delivered.</exception>
    public override IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return StreamCoreAsync(request, cancellationToken);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _metrics.Dispose();
        }

        base.Dispose(disposing);
    }

    private async IAsyncEnumerable<GenerationUpdate> StreamCoreAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var total = TotalTimeoutSource(cancellationToken, out var token);
        StreamStart start;
        try
        {
            try
            {
                start = await _pipeline.ExecuteAsync(
                    static (state, ct) => OpenAsync(state.Inner, state.Request, ct),
                    (Inner: InnerGenerator, Request: request),
                    token).ConfigureAwait(false);
            }
            catch (Exception ex) when (CanFallBack(ex, total, cancellationToken))
            {
                var fallbackRequest = StartFallback(request, ex);
                start = await OpenAsync(_options.FallbackGenerator!, fallbackRequest, token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (Translate(ex, total, cancellationToken) is { } translated)
        {
            throw translated;
        }

        await using var enumerator = start.Enumerator;
        var delivered = 0;
        var text = new StringBuilder();
        foreach (var update in start.Held)
        {
            delivered++;
            text.Append(update.Text);
            yield return update;
        }

        if (start.Ended)
        {
            yield break;
        }

        while (true)
        {
            GenerationUpdate current;
            try
            {
                if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }

                current = enumerator.Current;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                var failure = Translate(ex, total, cancellationToken) ?? ex;
                ResilienceLog.StreamInterrupted(_logger, _backend, delivered, failure);
                throw new StreamInterruptedException(text.ToString(), delivered, failure);
            }

            delivered++;
            text.Append(current.Text);
            yield return current;
        }
    }

    /// <summary>Starts a stream and reads it up to its first content, so that a failure before it can be retried.</summary>
    private static async ValueTask<StreamStart> OpenAsync(IGenerator generator, GenerationRequest request, CancellationToken cancellationToken)
    {
        var enumerator = generator.StreamAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var held = new List<GenerationUpdate>();
        try
        {
            while (await enumerator.MoveNextAsync().ConfigureAwait(false))
            {
                var update = enumerator.Current;
                held.Add(update);
                if (update.Text.Length > 0 || update.ToolCalls.Count > 0)
                {
                    return new StreamStart(enumerator, held, Ended: false);
                }
            }

            return new StreamStart(enumerator, held, Ended: true);
        }
        catch
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private bool CanFallBack(Exception exception, TotalTimeoutScope? total, CancellationToken callerToken) =>
        _options.FallbackGenerator is not null
        && !callerToken.IsCancellationRequested
        && total?.Expired != true
        && (exception is BrokenCircuitException || TransientFailureClassifier.IsTransient(exception));

    private GenerationRequest StartFallback(GenerationRequest request, Exception exception)
    {
        var clone = request.Clone();
        var model = request.Options?.ModelId is { } requested && _options.FallbackModelMap.TryGetValue(requested, out var mapped)
            ? mapped
            : _options.FallbackModelId;
        if (clone.Options is not null || model is not null)
        {
            clone.Options ??= new GenerationOptions();
            clone.Options.ModelId = model;
        }

        _metrics.Fallback(_backend, exception);
        ResilienceLog.FallingBack(_logger, _backend, exception.GetType().Name, _fallbackName, model, exception);
        return clone;
    }

    /// <summary>Turns Polly's and the total timeout's exceptions into the SDK's typed ones; <see langword="null"/> leaves the exception as it is.</summary>
    private ProviderException? Translate(Exception exception, TotalTimeoutScope? total, CancellationToken callerToken) => exception switch
    {
        OperationCanceledException when callerToken.IsCancellationRequested => null,
        OperationCanceledException when total?.Expired == true => new ProviderException(
            $"{_backend}: the call did not complete within the total timeout of {_options.TotalTimeout}.",
            new TimeoutException($"Total timeout of {_options.TotalTimeout} expired.", exception))
        {
            Provider = _backend,
            ErrorCode = "timeout",
            IsTransient = true,
        },
        TimeoutRejectedException rejected => new ProviderException(
            $"{_backend}: an attempt did not complete within {rejected.Timeout}.",
            new TimeoutException(rejected.Message, rejected))
        {
            Provider = _backend,
            ErrorCode = "timeout",
            IsTransient = true,
        },
        BrokenCircuitException broken => new ProviderException(
            $"{_backend}: the circuit is open after repeated failures; calls are refused until it half-opens.", broken)
        {
            Provider = _backend,
            ErrorCode = "circuit_open",
            IsTransient = true,
        },
        _ => null,
    };

    private TotalTimeoutScope? TotalTimeoutSource(CancellationToken cancellationToken, out CancellationToken token)
    {
        if (_options.TotalTimeout is not { } timeout)
        {
            token = cancellationToken;
            return null;
        }

        var scope = new TotalTimeoutScope(timeout, _timeProvider, cancellationToken);
        token = scope.Token;
        return scope;
    }

    private ResiliencePipeline BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder { Name = $"agents-resilience-{_backend}", TimeProvider = _timeProvider };
        if (_options.MaxRetryAttempts > 0)
        {
            var retry = new RetryStrategyOptions
            {
                MaxRetryAttempts = _options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = _options.UseJitter,
                Delay = _options.BaseDelay,
                MaxDelay = _options.MaxDelay,
                ShouldHandle = static args => new ValueTask<bool>(TransientFailureClassifier.IsTransient(args.Outcome.Exception)),
                DelayGenerator = args => new ValueTask<TimeSpan?>(
                    args.Outcome.Exception is RateLimitedException { RetryAfter: { } retryAfter }
                        ? (retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter > _options.MaxRetryAfter ? _options.MaxRetryAfter : retryAfter)
                        : null),
                OnRetry = args =>
                {
                    _metrics.Retry(_backend, args.Outcome.Exception);
                    ResilienceLog.Retrying(
                        _logger, _backend, args.AttemptNumber + 1, args.Outcome.Exception?.GetType().Name ?? "unknown",
                        args.RetryDelay.TotalMilliseconds, args.Outcome.Exception);
                    return default;
                },
            };
            if (_options.Randomizer is { } randomizer)
            {
                retry.Randomizer = randomizer;
            }

            builder.AddRetry(retry);
        }

        if (_options.EnableCircuitBreaker)
        {
            StateProvider = new CircuitBreakerStateProvider();
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = _options.FailureRatio,
                MinimumThroughput = _options.MinimumThroughput,
                SamplingDuration = _options.SamplingDuration,
                BreakDuration = _options.BreakDuration,
                StateProvider = StateProvider,
                ShouldHandle = static args => new ValueTask<bool>(TransientFailureClassifier.IsTransient(args.Outcome.Exception)),
                OnOpened = args =>
                {
                    _metrics.BreakerStateChanged(_backend, "open");
                    ResilienceLog.BreakerOpened(_logger, _backend, args.BreakDuration, args.Outcome.Exception);
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    _metrics.BreakerStateChanged(_backend, "half_open");
                    ResilienceLog.BreakerHalfOpened(_logger, _backend);
                    return default;
                },
                OnClosed = _ =>
                {
                    _metrics.BreakerStateChanged(_backend, "closed");
                    ResilienceLog.BreakerClosed(_logger, _backend);
                    return default;
                },
            });
        }

        if (_options.AttemptTimeout is { } attemptTimeout)
        {
            builder.AddTimeout(attemptTimeout);
        }

        return builder.Build();
    }

    /// <summary>The total timeout of one call: a timer on the injected clock, linked with the caller's token.</summary>
    private sealed class TotalTimeoutScope : IDisposable
    {
        private readonly CancellationTokenSource _timeout;
        private readonly CancellationTokenSource _linked;

        public TotalTimeoutScope(TimeSpan timeout, TimeProvider timeProvider, CancellationToken callerToken)
        {
            _timeout = new CancellationTokenSource(timeout, timeProvider);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(callerToken, _timeout.Token);
        }

        public CancellationToken Token => _linked.Token;

        public bool Expired => _timeout.IsCancellationRequested;

        public void Dispose()
        {
            _linked.Dispose();
            _timeout.Dispose();
        }
    }

    private sealed record StreamStart(IAsyncEnumerator<GenerationUpdate> Enumerator, List<GenerationUpdate> Held, bool Ended);
}
