namespace Agents.Backends.Http;

/// <summary>Measures time to first token and total time of one call with the injected <see cref="TimeProvider"/>.</summary>
internal sealed class GenerationClock(TimeProvider timeProvider)
{
    private readonly long _start = timeProvider.GetTimestamp();
    private TimeSpan? _firstToken;

    public void MarkFirstToken() => _firstToken ??= timeProvider.GetElapsedTime(_start);

    public GenerationTimings Stop()
    {
        var total = timeProvider.GetElapsedTime(_start);
        return new GenerationTimings { TimeToFirstToken = _firstToken ?? total, Total = total };
    }
}
