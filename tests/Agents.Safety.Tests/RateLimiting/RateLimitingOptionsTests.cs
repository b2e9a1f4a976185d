using Agents.Safety.RateLimiting;
using Agents.Testing;

namespace Agents.Safety.Tests.RateLimiting;

public sealed class RateLimitingOptionsTests
{
    [Fact]
    public void Validate_SeveralBadOptions_OneExceptionListingEach()
    {
        var options = new RateLimitingOptions
        {
            RequestsPerMinute = 0,
            TokensPerMinute = -5,
            QueueLimit = -1,
            MaxQueueWait = TimeSpan.FromSeconds(-1),
            DefaultMaxOutputTokens = 0,
            Distributed = new DistributedRateLimitingOptions { InstanceShare = 1.5, KeyPrefix = "" },
        };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        foreach (var name in new[] { "RequestsPerMinute", "TokensPerMinute", "QueueLimit", "MaxQueueWait", "DefaultMaxOutputTokens", "Distributed.InstanceShare", "Distributed.KeyPrefix" })
        {
            Assert.Contains(name, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_EveryBoundaryValue_Accepted()
    {
        var options = new RateLimitingOptions
        {
            RequestsPerMinute = 1,
            QueueLimit = 0,
            MaxQueueWait = TimeSpan.FromHours(1),
            DefaultMaxOutputTokens = 1,
            Distributed = new DistributedRateLimitingOptions { InstanceShare = 1, UnavailableRetryInterval = TimeSpan.FromMinutes(10) },
        };
        options.Validate();

        options.MaxQueueWait = TimeSpan.Zero;
        options.Distributed.InstanceShare = double.Epsilon;
        options.Distributed.UnavailableRetryInterval = TimeSpan.FromTicks(1);
        options.Validate();
    }

    [Theory]
    [InlineData(0.0, 5.0, "Distributed.InstanceShare")]
    [InlineData(-0.5, 5.0, "Distributed.InstanceShare")]
    [InlineData(1.0000001, 5.0, "Distributed.InstanceShare")]
    [InlineData(0.5, 0.0, "Distributed.UnavailableRetryInterval")]
    [InlineData(0.5, 600.0001, "Distributed.UnavailableRetryInterval")]
    public void Validate_DistributedOutOfRange_NamesTheOption(double share, double retrySeconds, string option)
    {
        var options = new RateLimitingOptions
        {
            RequestsPerMinute = 1,
            Distributed = new DistributedRateLimitingOptions { InstanceShare = share, UnavailableRetryInterval = TimeSpan.FromSeconds(retrySeconds) },
        };

        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_JustOutsideTheGeneratorsRanges_NamesEachOption()
    {
        var options = new RateLimitingOptions
        {
            RequestsPerMinute = 1,
            QueueLimit = -1,
            MaxQueueWait = TimeSpan.FromHours(1) + TimeSpan.FromTicks(1),
            DefaultMaxOutputTokens = 0,
        };

        var error = Assert.Throws<ArgumentException>(options.Validate);
        foreach (var name in new[] { "QueueLimit", "MaxQueueWait", "DefaultMaxOutputTokens" })
        {
            Assert.Contains(name, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_NoLimitAtAll_Rejected()
    {
        var error = Assert.Throws<ArgumentException>(new RateLimitingOptions().Validate);
        Assert.Contains("At least one limit", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(RateLimitingOptions.TenantRequestsPerMinute))]
    [InlineData(nameof(RateLimitingOptions.TenantTokensPerMinute))]
    [InlineData(nameof(RateLimitingOptions.MaxConcurrentRequests))]
    public void Validate_AnyOneLimitAlone_IsEnough(string limit)
    {
        var options = new RateLimitingOptions();
        typeof(RateLimitingOptions).GetProperty(limit)!.SetValue(options, 1);
        options.Validate();
    }

    [Fact]
    public void UseRateLimiting_InvalidOptions_ThrowsWhenAddedNotWhenBuilt()
    {
        var builder = new GeneratorBuilder(new TestGenerator());
        var error = Assert.Throws<ArgumentException>(() => builder.UseRateLimiting(o => o.RequestsPerMinute = -1));
        Assert.Contains("RequestsPerMinute", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, builder.Count);
    }

    [Fact]
    public void UseRateLimiting_DistributedWithoutAnyConnection_BuildFailsNamingTheFix()
    {
        var builder = new GeneratorBuilder(new TestGenerator())
            .UseRateLimiting(o =>
            {
                o.RequestsPerMinute = 1;
                o.Distributed = new DistributedRateLimitingOptions();
            });

        var error = Assert.Throws<InvalidOperationException>(() => builder.Build());
        Assert.Contains("IConnectionMultiplexer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultTenantKeySelector_TakesTheCacheHintsTenant()
    {
        Assert.Equal("t1", RateLimitingOptions.DefaultTenantKeySelector(LimitsTestSupport.Request(tenant: "t1")));
        Assert.Null(RateLimitingOptions.DefaultTenantKeySelector(LimitsTestSupport.Request()));
        Assert.Null(RateLimitingOptions.DefaultTenantKeySelector(new GenerationRequest([Message.User("x")])));
    }
}
