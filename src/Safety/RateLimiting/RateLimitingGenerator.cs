using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agents.Safety.RateLimiting;

/// <summary>
/// Middleware that admits a request only when it fits the requests-per-minute, tokens-per-minute and concurrency
/// limits of <see cref="RateLimitingOptions"/>, for all traffic and for the request's tenant; a request that does
/// not fit waits (at most <see cref="RateLimitingOptions.MaxQueueWait"/>) or is rejected with a
/// <see cref="RateLimitedException"/> before anything is sent.
/// </summary>
/// <remarks>
/// <para>
/// A request's cost is estimated before it is sent (<see cref="TokenCostEstimator"/>: prompt tokens, counted with the
/// chain's <see cref="ITokenizer"/> when it offers one, plus <see cref="GenerationOptions.MaxTokens"/> or
/// <see cref="RateLimitingOptions.DefaultMaxOutputTokens"/>), then reconciled with the <see cref="Usage"/> the
/// response reports: unused output tokens go back to the budget. A failed or abandoned call keeps its estimate.
/// </para>
/// <para>
/// Limits hold over every sliding 60-second window. With <see cref="RateLimitingOptions.Distributed"/>, the
/// per-minute budgets live in Redis and are shared by every instance using the same key prefix; concurrency stays
/// per instance. Streams hold their concurrency slot until they end.
/// </para>
/// </remarks>
public sealed class RateLimitingGenerator : DelegatingGenerator
{
    /// <summary>The window the per-minute limits apply to.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly RateLimitingOptions _options;
    private readonly IRateBudget? _budget;
    private readonly ConcurrencyLimiter? _concurrency;
    private readonly TimeProvider _timeProvider;
    private readonly ITokenizer? _tokenizer;
    private readonly RateLimitingMetrics _metrics;
    private readonly ILogger _logger;
    private int _waiting;

    /// <summary>Wraps <paramref name="innerGenerator"/>.</summary>
    /// <param name="innerGenerator">The generator admitted requests pass to.</param>
    /// <param name="options">The limits; validated here. With <see cref="RateLimitingOptions.Distributed"/>, its connection must be set.</param>
    /// <param name="timeProvider">The clock of windows and waits; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Logs waits, rejections and Redis outages; none when <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the <see cref="RateLimitingMetrics.MeterName"/> meter; a private meter when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid, or distributed limiting has no connection.</exception>
    public RateLimitingGenerator(
        IGenerator innerGenerator,
        RateLimitingOptions options,
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
        _metrics = new RateLimitingMetrics(meterFactory);
        _tokenizer = options.PromptTokenEstimator is null ? innerGenerator.GetService<ITokenizer>() : null;

        var global = new PartitionLimits(options.RequestsPerMinute, options.TokensPerMinute);
        var tenant = new PartitionLimits(options.TenantRequestsPerMinute, options.TenantTokensPerMinute);
        if (!global.IsUnlimited || !tenant.IsUnlimited)
        {
            _budget = options.Distributed is { } distributed
                ? new RedisRateBudget(
                    distributed.Connection ?? throw new ArgumentException("Distributed.Connection must be set (or an IConnectionMultiplexer registered).", nameof(options)),
                    distributed, global, tenant, Window, _timeProvider, _metrics, _logger)
                : new LocalRateBudget(global, tenant, _timeProvider, Window);
        }

        if (options.MaxConcurrentRequests is { } permits)
        {
            _concurrency = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
            {
                PermitLimit = permits,
                QueueLimit = options.QueueLimit,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            });
        }
    }

    /// <summary>Gets how many requests are waiting for room right now.</summary>
    public int WaitingCount => Volatile.Read(ref _waiting);

    /// <summary>Estimates the tokens <paramref name="request"/> is charged at admission.</summary>
    /// <param name="request">The request.</param>
    /// <returns>Prompt tokens plus the most output tokens the request may produce.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    public long EstimateCost(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var prompt = _options.PromptTokenEstimator?.Invoke(request) ?? TokenCostEstimator.EstimatePromptTokens(request, _tokenizer);
        return TokenCostEstimator.EstimateCost(request, prompt, _options.DefaultMaxOutputTokens);
    }

    /// <inheritdoc/>
    /// <exception cref="RateLimitedException">The request could not be admitted within the maximum wait; nothing was sent.</exception>
    public override async Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var admission = await AdmitAsync(request, cancellationToken).ConfigureAwait(false);
        GenerationResult result;
        try
        {
            result = await InnerGenerator.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            admission.Release();
            throw;
        }

        await admission.CompleteAsync(result.Usage).ConfigureAwait(false);
        return result;
    }

    /// <inheritdoc/>
    /// <exception cref="RateLimitedException">The request could not be admitted within the maximum wait; nothing was sent.</exception>
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
            _budget?.Dispose();
            _concurrency?.Dispose();
            _metrics.Dispose();
        }

        base.Dispose(disposing);
    }

    private async IAsyncEnumerable<GenerationUpdate> StreamCoreAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var admission = await AdmitAsync(request, cancellationToken).ConfigureAwait(false);
        Usage? usage = null;
        var completed = false;
        try
        {
            await foreach (var update in InnerGenerator.StreamAsync(request, cancellationToken).ConfigureAwait(false))
            {
                usage = update.Usage ?? usage;
                yield return update;
            }

            completed = true;
        }
        finally
        {
            if (completed)
            {
                await admission.CompleteAsync(usage).ConfigureAwait(false);
            }
            else
            {
                admission.Release();
            }
        }
    }

    private async ValueTask<Admission> AdmitAsync(GenerationRequest request, CancellationToken cancellationToken)
    {
        var start = _timeProvider.GetTimestamp();
        var tenant = _options.TenantKeySelector(request);
        var scope = "local";
        var queued = false;
        BudgetTicket? ticket = null;
        try
        {
            if (_budget is not null)
            {
                var cost = EstimateCost(request);
                while (true)
                {
                    var decision = await _budget.TryAcquireAsync(tenant, cost, cancellationToken).ConfigureAwait(false);
                    scope = decision.Scope;
                    if (decision.Ticket is { } admitted)
                    {
                        ticket = admitted;
                        break;
                    }

                    var remaining = _options.MaxQueueWait - _timeProvider.GetElapsedTime(start);
                    if (!decision.CanWait || decision.RetryAfter > remaining)
                    {
                        throw Reject(decision.Reason, decision.RetryAfter, scope, cost);
                    }

                    if (!queued)
                    {
                        queued = TryEnterQueue() ? true : throw Reject(RateLimitRejectionReason.QueueFull, decision.RetryAfter, scope, cost);
                        _metrics.Queued(scope);
                    }

                    var wait = decision.RetryAfter!.Value;
                    RateLimitingLog.Waiting(_logger, wait.TotalMilliseconds, RateLimitingMetrics.ReasonName(decision.Reason), scope);
                    await Task.Delay(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
                }
            }

            RateLimitLease? lease = null;
            if (_concurrency is not null)
            {
                lease = await AcquireConcurrencyAsync(start, scope, queued, cancellationToken).ConfigureAwait(false);
            }

            _metrics.Admitted(scope);
            return new Admission(ticket, lease);
        }
        catch when (ticket is not null)
        {
            // Admitted by the budget but never sent (no concurrency slot, or cancelled): give the tokens back.
            await ticket.RefundAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            if (queued)
            {
                Interlocked.Decrement(ref _waiting);
            }
        }
    }

    private async ValueTask<RateLimitLease> AcquireConcurrencyAsync(long start, string scope, bool alreadyQueued, CancellationToken cancellationToken)
    {
        var lease = _concurrency!.AttemptAcquire();
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        var remaining = _options.MaxQueueWait - _timeProvider.GetElapsedTime(start);
        if (remaining <= TimeSpan.Zero)
        {
            throw Reject(RateLimitRejectionReason.Concurrency, null, scope, 0);
        }

        if (!alreadyQueued)
        {
            _metrics.Queued(scope);
        }

        using var timeout = new CancellationTokenSource(remaining, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            lease = await _concurrency.AcquireAsync(1, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Reject(RateLimitRejectionReason.Concurrency, null, scope, 0);
        }

        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw Reject(RateLimitRejectionReason.QueueFull, null, scope, 0);
        }

        return lease;
    }

    private bool TryEnterQueue()
    {
        while (true)
        {
            var waiting = Volatile.Read(ref _waiting);
            if (waiting >= _options.QueueLimit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _waiting, waiting + 1, waiting) == waiting)
            {
                return true;
            }
        }
    }

    private RateLimitedException Reject(RateLimitRejectionReason reason, TimeSpan? retryAfter, string scope, long cost)
    {
        _metrics.Rejected(scope, reason);
        RateLimitingLog.Rejected(_logger, RateLimitingMetrics.ReasonName(reason), scope, retryAfter);
        var message = reason switch
        {
            RateLimitRejectionReason.TooLarge =>
                $"The request's estimated {cost} tokens exceed a whole minute's token budget; it can never be admitted. Lower MaxTokens or the prompt, or raise the limit.",
            RateLimitRejectionReason.QueueFull => $"The rate limiter's queue of {_options.QueueLimit} waiting requests is full; the request was not sent.",
            RateLimitRejectionReason.Concurrency =>
                $"No concurrency slot freed within {_options.MaxQueueWait}; the request was not sent.",
            RateLimitRejectionReason.Unavailable => "The shared rate-limit budget (Redis) cannot be reached and the limiter fails closed; the request was not sent.",
            _ => $"The {RateLimitingMetrics.ReasonName(reason)}-per-minute limit leaves no room within {_options.MaxQueueWait}; the request was not sent.",
        };
        return new RateLimitedException(message, retryAfter)
        {
            IsTransient = reason != RateLimitRejectionReason.TooLarge,
        };
    }

    /// <summary>One admitted request: its token reservation and concurrency slot.</summary>
    private sealed class Admission(BudgetTicket? ticket, RateLimitLease? lease)
    {
        public async ValueTask CompleteAsync(Usage? usage)
        {
            try
            {
                if (ticket is not null && usage is not null)
                {
                    // Summed as long and clamped: a backend reporting nonsense must not overflow or mint budget.
                    await ticket.ReconcileAsync(Math.Max(0L, (long)usage.PromptTokens + usage.CompletionTokens)).ConfigureAwait(false);
                }
            }
            finally
            {
                lease?.Dispose();
            }
        }

        public void Release() => lease?.Dispose();
    }
}
