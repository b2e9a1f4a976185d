namespace Agents.Backends.Http;

/// <summary>
/// One call's cancellation: the caller's token linked with a timeout that is re-armed at every step (send,
/// each stream read), so a stream that keeps producing never times out but one that stalls always does.
/// </summary>
internal sealed class CallScope : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly TimeSpan _timeout;

    public CallScope(TimeSpan timeout, CancellationToken userToken)
    {
        UserToken = userToken;
        _timeout = timeout;
        _source = CancellationTokenSource.CreateLinkedTokenSource(userToken);
        _source.CancelAfter(timeout);
    }

    public CancellationToken UserToken { get; }

    public CancellationToken Token => _source.Token;

    public TimeSpan Timeout => _timeout;

    /// <summary>Gets a value indicating whether the timeout, not the caller, cancelled the call.</summary>
    public bool TimedOut => _source.IsCancellationRequested && !UserToken.IsCancellationRequested;

    public void Rearm() => _source.CancelAfter(_timeout);

    public void Dispose() => _source.Dispose();
}
