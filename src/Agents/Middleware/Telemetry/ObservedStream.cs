using System.Runtime.CompilerServices;

namespace Agents;

/// <summary>
/// Passes a stream through untouched, update by update (nothing is buffered), while telling an observer about
/// every update and about how the stream ended. Shared by the logging and telemetry middleware.
/// </summary>
internal static class ObservedStream
{
    public static async IAsyncEnumerable<GenerationUpdate> ObserveAsync(
        Func<CancellationToken, IAsyncEnumerable<GenerationUpdate>> start,
        IGenerationObserver observer,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        IAsyncEnumerator<GenerationUpdate> enumerator;
        try
        {
            enumerator = start(cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception ex)
        {
            observer.OnFailed(ex, IsCancellation(ex, cancellationToken));
            throw;
        }

        var ended = false;
        try
        {
            while (true)
            {
                // C# forbids yield inside a try that has a catch, so only the MoveNext sits in one.
                bool hasNext;
                try
                {
                    hasNext = await enumerator.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    ended = true;
                    observer.OnFailed(ex, IsCancellation(ex, cancellationToken));
                    throw;
                }

                if (!hasNext)
                {
                    break;
                }

                var update = enumerator.Current;
                observer.OnUpdate(update);
                yield return update;
            }

            ended = true;
            observer.OnCompleted();
        }
        finally
        {
            if (!ended)
            {
                observer.OnAbandoned();
            }

            await enumerator.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Whether <paramref name="exception"/> is the caller's own cancellation rather than a failure (a timeout inside the backend is a failure).</summary>
    public static bool IsCancellation(Exception exception, CancellationToken cancellationToken) =>
        exception is OperationCanceledException && cancellationToken.IsCancellationRequested;
}
