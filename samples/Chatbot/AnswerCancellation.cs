namespace Agents.Samples.Chatbot;

/// <summary>Ctrl+C cancels the answer being written, never the program (unless it is a one-shot run).</summary>
public sealed class AnswerCancellation : IDisposable
{
    private readonly Lock _gate = new();
    private CancellationTokenSource? _current;

    /// <summary>Starts an answer; dispose the returned source when it ends.</summary>
    public CancellationTokenSource Begin(CancellationToken outer)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        lock (_gate)
        {
            _current = source;
        }

        return source;
    }

    public void End(CancellationTokenSource source)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_current, source))
            {
                _current = null;
            }
        }

        source.Dispose();
    }

    /// <summary>Cancels the running answer.</summary>
    /// <returns>Whether an answer was running.</returns>
    public bool CancelCurrent()
    {
        lock (_gate)
        {
            if (_current is null)
            {
                return false;
            }

            _current.Cancel();
            return true;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _current = null;
        }
    }
}
