using System.Net.ServerSentEvents;

namespace Agents.Backends.Http;

/// <summary>
/// Reads a response's server-sent events one by one, re-arming the call's timeout as it goes and turning
/// transport failures into typed exceptions. A plain class rather than another async iterator: when the next
/// event is already buffered (the common case in a fast stream) it completes synchronously at no extra cost.
/// </summary>
internal sealed class SseEventReader(IAsyncEnumerator<SseItem<string>> events, CallScope scope, Func<Exception, Exception> translate) : IAsyncDisposable
{
    public SseItem<string> Current => events.Current;

    public ValueTask<bool> MoveNextAsync()
    {
        scope.Rearm();
        ValueTask<bool> pending;
        try
        {
            pending = events.MoveNextAsync();
        }
        catch (Exception ex) when (HttpBackendTransport.IsTransportFailure(ex))
        {
            throw translate(ex);
        }

        return pending.IsCompletedSuccessfully ? new ValueTask<bool>(pending.Result) : AwaitAsync(pending);
    }

    public ValueTask DisposeAsync() => events.DisposeAsync();

    private async ValueTask<bool> AwaitAsync(ValueTask<bool> pending)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (Exception ex) when (HttpBackendTransport.IsTransportFailure(ex))
        {
            throw translate(ex);
        }
    }
}
