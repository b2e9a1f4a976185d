using System.Threading.Channels;

namespace Agents.Backends.Llama.KvCache;

/// <summary>
/// Runs the second half of a spill off the scheduler's thread: the scheduler copies a state out of the context (that
/// needs the context), and this queue inserts it into the saved-state tier, whose evictions may write to disk.
/// </summary>
internal sealed class SpillQueue : IDisposable
{
    private readonly Channel<Action>? _work;
    private readonly Task _worker = Task.CompletedTask;
    private readonly object _gate = new();
    private int _pending;

    /// <summary>Creates the queue.</summary>
    /// <param name="inline">Run every item at once on the caller's thread (tests that read statistics right after).</param>
    public SpillQueue(bool inline = false)
    {
        if (inline)
        {
            return;
        }

        _work = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
        _worker = Task.Run(async () =>
        {
            while (await _work.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (_work.Reader.TryRead(out var item))
                {
                    item();
                    lock (_gate)
                    {
                        if (--_pending == 0)
                        {
                            Monitor.PulseAll(_gate);
                        }
                    }
                }
            }
        });
    }

    /// <summary>Queues <paramref name="item"/>; it must not throw.</summary>
    /// <param name="item">The work.</param>
    public void Enqueue(Action item)
    {
        if (_work is not null)
        {
            lock (_gate)
            {
                _pending++;
            }

            if (_work.Writer.TryWrite(item))
            {
                return;
            }

            lock (_gate)
            {
                _pending--;
            }
        }

        // Inline, or after Dispose: run it here rather than lose (and leak) the state it carries.
        item();
    }

    /// <summary>
    /// Waits until every queued item has run, so a lookup in the saved tier sees the states spilled before it. Only a
    /// request that found nothing resident waits, and only while spills are in flight.
    /// </summary>
    public void WaitIdle()
    {
        lock (_gate)
        {
            while (_pending > 0)
            {
                Monitor.Wait(_gate);
            }
        }
    }

    /// <summary>Runs what is queued, then stops the worker.</summary>
    public void Dispose()
    {
        _work?.Writer.TryComplete();
        _worker.GetAwaiter().GetResult();
    }
}
