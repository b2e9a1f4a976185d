namespace Agents.Backends.Http;

/// <summary>
/// One call's cancellation: the caller's token linked with a timeout that is re-armed as the call makes progress
/// (each stream read), so a stream that keeps producing never times out but one that stalls always does.
/// </summary>
/// <remarks>
/// Re-arming moves a timer, which takes a lock; doing it for every one of thousands of chunks a second costs
/// measurable throughput. The timer is therefore moved only once an eighth of the timeout has passed since it
/// was last armed: a stall is still reported between 7/8 of the timeout and the timeout after the last event.
/// </remarks>
internal sealed class CallScope : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly TimeSpan _timeout;
    private readonly long _rearmAfterTicks;
    private long _armedAt;

    public CallScope(TimeSpan timeout, CancellationToken userToken)
    {
        UserToken = userToken;
        _timeout = timeout;
        _source = CancellationTokenSource.CreateLinkedTokenSource(userToken);
        _rearmAfterTicks = (long)(timeout.TotalSeconds / 8 * System.Diagnostics.Stopwatch.Frequency);
        _armedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        _source.CancelAfter(timeout);
    }

    public CancellationToken UserToken { get; }

    public CancellationToken Token => _source.Token;

    public TimeSpan Timeout => _timeout;

    /// <summary>Gets a value indicating whether the timeout, not the caller, cancelled the call.</summary>
    public bool TimedOut => _source.IsCancellationRequested && !UserToken.IsCancellationRequested;

    public void Rearm()
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (now - _armedAt >= _rearmAfterTicks)
        {
            _armedAt = now;
            _source.CancelAfter(_timeout);
        }
    }

    public void Dispose() => _source.Dispose();
}
