namespace Agents.Backends.Http;

/// <summary>
/// One call's cancellation: the caller's token linked with a timeout that is re-armed as the call makes progress
/// (each stream read), so a stream that keeps producing never times out but one that stalls always does. The
/// timeout runs on the injected <see cref="TimeProvider"/>, so tests drive it with fake time.
/// </summary>
/// <remarks>
/// Re-arming moves a timer, which takes a lock; doing it for every one of thousands of chunks a second costs
/// measurable throughput. The timer is therefore moved only once an eighth of the timeout has passed since it
/// was last armed: a stall is still reported between 7/8 of the timeout and the timeout after the last event.
/// </remarks>
internal sealed class CallScope : IDisposable
{
    private readonly CancellationTokenSource _timeoutSource;
    private readonly CancellationTokenSource _linked;
    private readonly TimeProvider _timeProvider;
    private readonly long _rearmAfterTicks;
    private long _armedAt;

    public CallScope(TimeSpan timeout, TimeProvider timeProvider, CancellationToken userToken)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        UserToken = userToken;
        Timeout = timeout;
        _timeProvider = timeProvider;
        _timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(userToken, _timeoutSource.Token);
        _rearmAfterTicks = (long)(timeout.TotalSeconds / 8 * timeProvider.TimestampFrequency);
        _armedAt = timeProvider.GetTimestamp();
    }

    public CancellationToken UserToken { get; }

    public CancellationToken Token => _linked.Token;

    public TimeSpan Timeout { get; }

    /// <summary>Gets a value indicating whether the timeout, not the caller, cancelled the call.</summary>
    public bool TimedOut => _timeoutSource.IsCancellationRequested && !UserToken.IsCancellationRequested;

    public void Rearm()
    {
        var now = _timeProvider.GetTimestamp();
        if (now - _armedAt >= _rearmAfterTicks)
        {
            _armedAt = now;
            _timeoutSource.CancelAfter(Timeout);
        }
    }

    public void Dispose()
    {
        _linked.Dispose();
        _timeoutSource.Dispose();
    }
}
