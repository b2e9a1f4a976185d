using Agents.Safety.RateLimiting;

namespace Agents.Safety.Tests.RateLimiting;

/// <summary>The wait <see cref="SlidingWindowLog.Check"/> computes: until just enough of the window has expired.</summary>
public sealed class SlidingWindowLogTests
{
    private const long Window = 60_000;

    [Fact]
    public void Check_TokensOver_WaitsUntilJustEnoughEntriesExpireForAnExactFit()
    {
        var log = new SlidingWindowLog();
        log.Add(0, 300);
        log.Add(10_000, 300);
        log.Add(20_000, 300);

        // 900 + 700 > 1,000; without the first entry 1,300 still is; without the second 300 + 700 = 1,000 fits exactly.
        var (reason, wait) = log.Check(new PartitionLimits(null, 1000), 700, 30_000, Window);

        Assert.Equal(RateLimitRejectionReason.Tokens, reason);
        Assert.Equal(10_000 + Window - 30_000, wait);
    }

    [Fact]
    public void Check_TokensOver_OneExpiryEnough_WaitsForTheOldestOnly()
    {
        var log = new SlidingWindowLog();
        log.Add(0, 600);
        log.Add(10_000, 300);

        var (reason, wait) = log.Check(new PartitionLimits(null, 1000), 500, 20_000, Window);

        Assert.Equal(RateLimitRejectionReason.Tokens, reason);
        Assert.Equal(Window - 20_000, wait);
    }

    [Fact]
    public void Check_MoreEntriesThanTheRequestLimit_WaitsUntilEnoughOfThemExpire()
    {
        // As after the limit was lowered below what the window already holds: with a limit of 1, all three must go.
        var log = new SlidingWindowLog();
        log.Add(0, 1);
        log.Add(10_000, 1);
        log.Add(20_000, 1);

        var (reason, wait) = log.Check(new PartitionLimits(1, null), 1, 30_000, Window);

        Assert.Equal(RateLimitRejectionReason.Requests, reason);
        Assert.Equal(20_000 + Window - 30_000, wait);
    }

    [Fact]
    public void Check_NoRequestAllowedAtAll_RequestsReasonAndAWholeWindow()
    {
        var log = new SlidingWindowLog();

        var (reason, wait) = log.Check(new PartitionLimits(0, 1000), 1, 5_000, Window);

        Assert.Equal(RateLimitRejectionReason.Requests, reason);
        Assert.Equal(Window, wait);
    }

    [Fact]
    public void Check_Fits_NoneAndNoWait()
    {
        var log = new SlidingWindowLog();
        log.Add(0, 400);

        Assert.Equal((RateLimitRejectionReason.None, 0L), log.Check(new PartitionLimits(2, 1000), 600, 1, Window));
    }
}
