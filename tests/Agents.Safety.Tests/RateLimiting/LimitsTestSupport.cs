using System.Diagnostics.Metrics;

namespace Agents.Safety.Tests.RateLimiting;

/// <summary>A meter factory whose meters carry it as their scope, so a test's collectors see only that test's instruments.</summary>
internal sealed class LimitsMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}

internal static class LimitsTestSupport
{
    /// <summary>A hang guard, not a timing assertion: the outcome is decided by the fake clock.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);

    /// <summary>Waits (real time, bounded) until <paramref name="condition"/> holds; continuations of fake timers run on the thread pool.</summary>
    public static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Guard;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up waiting for: {what}");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>Gives pending continuations a chance to run, then asserts the task is still pending.</summary>
    public static async Task AssertPendingAsync(Task task)
    {
        for (var i = 0; i < 20; i++)
        {
            await Task.Yield();
            await Task.Delay(1);
        }

        Assert.False(task.IsCompleted, $"The task completed unexpectedly: {task.Status} {task.Exception?.InnerException?.Message}");
    }

    public static GenerationRequest Request(string text = "hello", int? maxTokens = 100, string? tenant = null) =>
        new([Message.User(text)], new GenerationOptions
        {
            MaxTokens = maxTokens,
            CacheHint = tenant is null ? null : new CacheHint { TenantKey = tenant },
        });
}
