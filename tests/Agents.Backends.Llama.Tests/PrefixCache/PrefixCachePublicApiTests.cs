using Agents.Backends.Llama.PrefixCache;
using Agents.Backends.Llama.Tests.Infrastructure;

namespace Agents.Backends.Llama.Tests.PrefixCache;

/// <summary>
/// The prefix cache turned on through <see cref="LlamaModelOptions.PrefixCache"/> and used only through the public
/// API: reuse is reported, output is unchanged, statistics and <see cref="IPrefixCache.Clear"/> work, tenants are apart.
/// </summary>
public sealed class PrefixCachePublicApiTests : IDisposable
{
    private static readonly Message LongSystemPrompt =
        Message.System(string.Join(' ', Enumerable.Repeat("You answer questions about the shared prefix cache test corpus.", 20)));

    private readonly LlamaGenerator _cached;
    private readonly LlamaGenerator _uncached;

    public PrefixCachePublicApiTests()
    {
        var withCache = Options();
        withCache.PrefixCache = new PrefixCacheOptions();
        _cached = new LlamaGenerator(withCache);
        _uncached = new LlamaGenerator(Options());
    }

    public void Dispose()
    {
        _cached.Dispose();
        _uncached.Dispose();
    }

    private static LlamaModelOptions Options()
    {
        var options = GeneratorFixture.CreateOptions();
        options.Load.ContextSize = 1024;
        options.Scheduling.MaxConcurrentSequences = 2;
        return options;
    }

    // The second question is the longer one: a cached state is only restored when it fits the new prompt's KV reservation.
    private static GenerationRequest Request(string question, string tenant) =>
        new([LongSystemPrompt, Message.User(question)],
            new GenerationOptions { MaxTokens = 8, Temperature = 0, CacheHint = new CacheHint { TenantKey = tenant } });

    [Fact]
    public async Task GenerateAsync_SecondRequestSharingALongPrefix_ReusesItAndMatchesUncachedOutput()
    {
        var first = await _cached.GenerateAsync(Request("First?", "tenant-a"));
        var second = await _cached.GenerateAsync(Request("And what about the second question, please?", "tenant-a"));
        var firstCold = await _uncached.GenerateAsync(Request("First?", "tenant-a"));
        var secondCold = await _uncached.GenerateAsync(Request("And what about the second question, please?", "tenant-a"));

        Assert.Equal(0, first.Usage!.CachedPromptTokens);
        Assert.True(second.Usage!.CachedPromptTokens > 100, $"reused {second.Usage.CachedPromptTokens} tokens");
        Assert.True(second.Usage.CachedPromptTokens < second.Usage.PromptTokens);
        Assert.Equal(firstCold.Text, first.Text);
        Assert.Equal(secondCold.Text, second.Text);

        var cache = _cached.GetService<IPrefixCache>();
        Assert.NotNull(cache);
        var stats = cache.Statistics;
        Assert.True(stats.Hits >= 1, $"hits: {stats.Hits}");
        Assert.True(stats.BytesHeld > 0);

        cache.Clear();
        Assert.Equal(0, cache.Statistics.Entries);
        Assert.Equal(0, cache.Statistics.BytesHeld);
        var afterClear = await _cached.GenerateAsync(Request("And what about the second question, please?", "tenant-a"));
        Assert.Equal(0, afterClear.Usage!.CachedPromptTokens);
        Assert.Equal(secondCold.Text, afterClear.Text);
    }

    [Fact]
    public async Task GenerateAsync_OtherTenantWithTheSamePrefix_ReusesNothing()
    {
        await _cached.GenerateAsync(Request("First?", "tenant-a"));

        var other = await _cached.GenerateAsync(Request("First?", "tenant-b"));
        var anonymous = await _cached.GenerateAsync(
            new GenerationRequest([LongSystemPrompt, Message.User("First?")], new GenerationOptions { MaxTokens = 8, Temperature = 0 }));
        var same = await _cached.GenerateAsync(Request("Another, somewhat longer question for tenant A?", "tenant-a"));

        Assert.Equal(0, other.Usage!.CachedPromptTokens);
        Assert.Equal(0, anonymous.Usage!.CachedPromptTokens);
        Assert.True(same.Usage!.CachedPromptTokens > 0);
    }

    [Fact]
    public async Task GenerateAsync_SharedSystemPromptAcrossTenants_IsReusedOnlyWhenMarkedShared()
    {
        GenerationRequest Shared(string question, string tenant) =>
            new([LongSystemPrompt, Message.User(question)],
                new GenerationOptions { MaxTokens = 8, Temperature = 0, CacheHint = new CacheHint { TenantKey = tenant, StablePrefixMessageCount = 1, SharedPrefixMessageCount = 1 } });
        var question = "A question from another tenant, long enough to matter?";

        await _cached.GenerateAsync(Shared("First?", "tenant-a"));
        var other = await _cached.GenerateAsync(Shared(question, "tenant-b"));
        var cold = await _uncached.GenerateAsync(Shared(question, "tenant-b"));
        var systemOnly = _cached.GetService<ITokenizer>()!.CountTokens(LongSystemPrompt.Text);

        Assert.True(other.Usage!.CachedPromptTokens >= systemOnly, $"reused {other.Usage.CachedPromptTokens} of a {systemOnly}-token system prompt");
        Assert.True(other.Usage.CachedPromptTokens < other.Usage.PromptTokens - 8, "reused tokens of tenant A's own turn");
        Assert.Equal(cold.Text, other.Text);
    }
}
