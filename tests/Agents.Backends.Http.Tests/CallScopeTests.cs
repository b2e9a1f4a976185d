using Agents.Backends.Http;
using Microsoft.Extensions.Time.Testing;

namespace Agents.Backends.Http.Tests;

/// <summary>The call timeout runs on the injected clock: fake time fires it, re-arming pushes it back.</summary>
public sealed class CallScopeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(80);

    [Fact]
    public void Token_FakeTimeReachesTimeout_CancelsAndReportsTimedOut()
    {
        var time = new FakeTimeProvider();
        using var scope = new CallScope(Timeout, time, CancellationToken.None);

        time.Advance(Timeout - TimeSpan.FromSeconds(1));
        Assert.False(scope.Token.IsCancellationRequested);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(scope.Token.IsCancellationRequested);
        Assert.True(scope.TimedOut);
    }

    [Fact]
    public void Rearm_AfterAnEighthOfTheTimeout_PushesTheDeadlineBack()
    {
        var time = new FakeTimeProvider();
        using var scope = new CallScope(Timeout, time, CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(10));
        scope.Rearm();
        time.Advance(TimeSpan.FromSeconds(75));

        // 85 s since the start, 75 s since the re-arm: still alive.
        Assert.False(scope.Token.IsCancellationRequested);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(scope.TimedOut);
    }

    [Fact]
    public void Rearm_SoonerThanAnEighthOfTheTimeout_LeavesTheDeadline()
    {
        var time = new FakeTimeProvider();
        using var scope = new CallScope(Timeout, time, CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(9));
        scope.Rearm();
        time.Advance(TimeSpan.FromSeconds(71));

        Assert.True(scope.TimedOut);
    }

    [Fact]
    public void TimedOut_CallerCancelled_IsFalse()
    {
        var time = new FakeTimeProvider();
        using var caller = new CancellationTokenSource();
        using var scope = new CallScope(Timeout, time, caller.Token);

        caller.Cancel();

        Assert.True(scope.Token.IsCancellationRequested);
        Assert.False(scope.TimedOut);
    }
}
