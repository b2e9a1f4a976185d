using System.Collections.Concurrent;
using System.Diagnostics;

namespace Agents.Orchestration.Tests;

/// <summary>Records the activities of one source that belong to the trace started by the test.</summary>
internal sealed class ActivityRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly Activity _root;

    public ActivityRecorder(string sourceName)
    {
        _root = new Activity("test-root").Start();
        var traceId = _root.TraceId;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                options.Parent.TraceId == traceId ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    Stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ConcurrentQueue<Activity> Stopped { get; } = new();

    public void Dispose()
    {
        _listener.Dispose();
        _root.Stop();
    }
}
