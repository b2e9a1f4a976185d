using Agents.Safety.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace Agents.Safety.Tests.RateLimiting;

public sealed class LocalRateBudgetTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void TryAcquire_OnlyTheTenantIsOver_RejectedWithTheTenantsReasonAndWait()
    {
        using var budget = new LocalRateBudget(new PartitionLimits(10, 10_000), new PartitionLimits(null, 100), _time, TimeSpan.FromMinutes(1));
        Assert.True(budget.TryAcquire("a", 80).IsAdmitted);
        _time.Advance(TimeSpan.FromSeconds(20));

        var decision = budget.TryAcquire("a", 30);

        Assert.False(decision.IsAdmitted);
        Assert.Equal(RateLimitRejectionReason.Tokens, decision.Reason);
        Assert.Equal(TimeSpan.FromSeconds(40), decision.RetryAfter);
        Assert.Equal("local", decision.Scope);
        Assert.True(budget.TryAcquire("b", 30).IsAdmitted);
    }

    [Fact]
    public void TryAcquire_BothOver_GlobalReasonAndTheLongerWait()
    {
        using var budget = new LocalRateBudget(new PartitionLimits(2, null), new PartitionLimits(null, 100), _time, TimeSpan.FromMinutes(1));
        Assert.True(budget.TryAcquire(null, 1).IsAdmitted);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(budget.TryAcquire("a", 60).IsAdmitted);
        _time.Advance(TimeSpan.FromSeconds(10));

        // Global: room in 40 s (the first admission expires); tenant "a": in 50 s. The request waits for both.
        var decision = budget.TryAcquire("a", 50);

        Assert.Equal(RateLimitRejectionReason.Requests, decision.Reason);
        Assert.Equal(TimeSpan.FromSeconds(50), decision.RetryAfter);
    }

    [Fact]
    public void TryAcquire_IdleTenantsSweptExactlyEvery4096Admissions()
    {
        using var budget = new LocalRateBudget(new PartitionLimits(null, null), new PartitionLimits(1, null), _time, TimeSpan.FromMinutes(1));
        Assert.True(budget.TryAcquire("old", 1).IsAdmitted);
        _time.Advance(TimeSpan.FromMinutes(1));

        // Admissions 2 … 4,095: no sweep yet, so the expired "old" tenant is still held.
        for (var i = 2; i <= 4095; i++)
        {
            Assert.True(budget.TryAcquire("new-" + i, 1).IsAdmitted);
        }

        Assert.Equal(4095, budget.TenantCount);

        // The 4,096th admission sweeps: "old" goes, the 4,095 live tenants stay.
        Assert.True(budget.TryAcquire("new-4096", 1).IsAdmitted);
        Assert.Equal(4095, budget.TenantCount);
    }
}
