using System.Net.ServerSentEvents;

namespace Agents.Backends.Http;

/// <summary>
/// Reads a response's server-sent events one by one, re-arming the call's timeout as it goes. It adds no async
/// layer of its own: <see cref="MoveNextAsync"/> hands back the parser's task, and the caller (the generator's own
/// async iterator) awaits it inside a try/catch and turns transport failures into typed errors with
/// <see cref="Fail"/>. Every extra async layer is paid on each chunk that arrives after a wait.
/// </summary>
internal sealed class SseEventReader(IAsyncEnumerator<SseItem<string>> events, CallScope scope, Func<Exception, Exception> translate) : IAsyncDisposable
{
    public SseItem<string> Current => events.Current;

    public ValueTask<bool> MoveNextAsync()
    {
        scope.Rearm();
        return events.MoveNextAsync();
    }

    /// <summary>Returns the typed exception for a failure thrown by <see cref="MoveNextAsync"/>, or <see langword="null"/> if it is not a transport failure.</summary>
    public Exception? Fail(Exception exception) => HttpBackendTransport.IsTransportFailure(exception) ? translate(exception) : null;

    public ValueTask DisposeAsync() => events.DisposeAsync();
}
