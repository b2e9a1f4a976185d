using Microsoft.Extensions.Time.Testing;

namespace Agents.Safety.Tests.RateLimiting;

/// <summary>
/// A fake clock that records the due time of every timer created on it, so a test can wait until a waiter has
/// armed its timer before advancing, and see how long it meant to wait.
/// </summary>
internal sealed class TimerCountingTimeProvider : FakeTimeProvider
{
    private readonly List<TimeSpan> _dueTimes = [];

    public int TimersCreated
    {
        get
        {
            lock (_dueTimes)
            {
                return _dueTimes.Count;
            }
        }
    }

    public IReadOnlyList<TimeSpan> DueTimes
    {
        get
        {
            lock (_dueTimes)
            {
                return [.. _dueTimes];
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        lock (_dueTimes)
        {
            _dueTimes.Add(dueTime);
        }

        return timer;
    }
}
