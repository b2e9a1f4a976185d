namespace Agents.Abstractions.Tests.Results;

public sealed class UsageAndTimingsTests
{
    [Fact]
    public void Usage_TotalTokens_IsPromptPlusCompletion()
    {
        var usage = new Usage { PromptTokens = 7, CompletionTokens = 5, CachedPromptTokens = 3, CacheWritePromptTokens = 2 };

        Assert.Equal(12, usage.TotalTokens);
    }

    [Fact]
    public void Usage_Add_SumsEveryCounterSeparately()
    {
        var left = new Usage { PromptTokens = 1, CompletionTokens = 20, CachedPromptTokens = 300, CacheWritePromptTokens = 4000 };
        var right = new Usage { PromptTokens = 5, CompletionTokens = 60, CachedPromptTokens = 700, CacheWritePromptTokens = 8000 };

        foreach (var sum in new[] { left + right, Usage.Add(left, right) })
        {
            Assert.Equal(6, sum.PromptTokens);
            Assert.Equal(80, sum.CompletionTokens);
            Assert.Equal(1000, sum.CachedPromptTokens);
            Assert.Equal(12000, sum.CacheWritePromptTokens);
        }
    }

    [Fact]
    public void Usage_AddNull_Throws()
    {
        var usage = new Usage();

        Assert.Throws<ArgumentNullException>(() => usage + null!);
        Assert.Throws<ArgumentNullException>(() => null! + usage);
    }

    [Fact]
    public void Usage_IsAValue_EqualWhenEveryCounterIs()
    {
        Assert.Equal(new Usage { PromptTokens = 1, CachedPromptTokens = 2 }, new Usage { PromptTokens = 1, CachedPromptTokens = 2 });
        Assert.NotEqual(new Usage { CacheWritePromptTokens = 1 }, new Usage());
    }

    [Fact]
    public void TokensPerSecond_CountsTokensAfterTheFirstOverTheTimeAfterTheFirst()
    {
        var timings = new GenerationTimings { TimeToFirstToken = TimeSpan.FromSeconds(1), Total = TimeSpan.FromSeconds(3) };

        // 11 tokens: the first at 1 s, the other 10 in the 2 s after it.
        Assert.Equal(5.0, timings.TokensPerSecond(11));
    }

    [Fact]
    public void TokensPerSecond_NoTimeToFirstToken_UsesTheWholeTotal()
    {
        var timings = new GenerationTimings { Total = TimeSpan.FromSeconds(2) };

        Assert.Equal(2.0, timings.TokensPerSecond(5));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-4)]
    public void TokensPerSecond_OneTokenOrFewer_IsNull(int tokens)
    {
        var timings = new GenerationTimings { TimeToFirstToken = TimeSpan.FromSeconds(1), Total = TimeSpan.FromSeconds(3) };

        Assert.Null(timings.TokensPerSecond(tokens));
    }

    [Fact]
    public void TokensPerSecond_TwoTokens_IsDefined()
    {
        var timings = new GenerationTimings { TimeToFirstToken = TimeSpan.FromSeconds(1), Total = TimeSpan.FromSeconds(1.5) };

        Assert.Equal(2.0, timings.TokensPerSecond(2));
    }

    [Fact]
    public void TokensPerSecond_NoTotal_IsNull() =>
        Assert.Null(new GenerationTimings { TimeToFirstToken = TimeSpan.FromSeconds(1) }.TokensPerSecond(10));

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void TokensPerSecond_NoTimeAfterTheFirstToken_IsNull(double totalSeconds)
    {
        var timings = new GenerationTimings { TimeToFirstToken = TimeSpan.FromSeconds(2), Total = TimeSpan.FromSeconds(totalSeconds) };

        Assert.Null(timings.TokensPerSecond(10));
    }

    [Fact]
    public void Timings_IsAValue()
    {
        Assert.Equal(
            new GenerationTimings { TimeToFirstToken = TimeSpan.FromSeconds(1), Total = TimeSpan.FromSeconds(2) },
            new GenerationTimings { TimeToFirstToken = TimeSpan.FromSeconds(1), Total = TimeSpan.FromSeconds(2) });
        Assert.NotEqual(new GenerationTimings { Total = TimeSpan.FromSeconds(2) }, new GenerationTimings());
    }
}
