using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;

namespace Agents.Backends.Http;

/// <summary>
/// Reads a response's server-sent events one by one, re-arming the call's timeout as it goes and turning transport
/// failures into typed errors. An event already buffered is handed back with no async layer of our own; only a
/// read that has to wait goes through one (pooled, so it allocates nothing).
/// </summary>
/// <typeparam name="T">What each event's data is parsed into, by the parser given to the transport.</typeparam>
internal sealed class SseEventReader<T>(IAsyncEnumerator<SseItem<T>> events, CallScope scope, Func<Exception, Exception> translate) : IAsyncDisposable
{
    public SseItem<T> Current => events.Current;

    /// <summary>Moves to the next event; a transport failure throws the typed exception from the transport.</summary>
    public ValueTask<bool> MoveNextAsync()
    {
        scope.Rearm();
        var next = events.MoveNextAsync();
        return next.IsCompletedSuccessfully ? next : AwaitAsync(next);
    }

    public ValueTask DisposeAsync() => events.DisposeAsync();

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> AwaitAsync(ValueTask<bool> next)
    {
        try
        {
            return await next.ConfigureAwait(false);
        }
        catch (Exception ex) when (HttpBackendTransport.IsTransportFailure(ex))
        {
            throw translate(ex);
        }
    }
}
