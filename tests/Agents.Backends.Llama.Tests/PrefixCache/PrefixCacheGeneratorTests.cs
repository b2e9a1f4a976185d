using Agents.Backends.Llama.PrefixCache;
using Agents.Backends.Llama.Tests.Infrastructure;

namespace Agents.Backends.Llama.Tests.PrefixCache;

/// <summary>
/// The cache plugged into the real generator's scheduler seam: greedy output with the cache must equal output
/// without it, turn after turn and under concurrency, with the reused tokens reported in usage.
/// </summary>
public sealed class PrefixCacheGeneratorTests : IDisposable
{
    private readonly TokenPrefixCache _cache;
    private readonly LlamaGenerator _cached;
    private readonly LlamaGenerator _uncached;

    public PrefixCacheGeneratorTests()
    {
        var model = LlamaModel.Load(Options());
        _cache = new TokenPrefixCache(new PrefixCacheOptions());
        _cached = new LlamaGenerator(model, ownsModel: true, timeProvider: null, _cache);
        _uncached = new LlamaGenerator(LlamaModel.Load(Options()), ownsModel: true, timeProvider: null);
    }

    private static LlamaModelOptions Options()
    {
        var options = GeneratorFixture.CreateOptions();
        options.Load.ContextSize = 2048;
        return options;
    }

    public void Dispose()
    {
        _cached.Dispose();
        _uncached.Dispose();
        _cache.Dispose();
    }

    [Fact]
    public async Task GenerateAsync_TenTurnChat_MatchesUncachedOutputAndReportsCachedTokens()
    {
        var history = new List<Message> { Message.System("You are a terse assistant for prefix cache tests.") };
        var options = new GenerationOptions { MaxTokens = 8, Temperature = 0, CacheHint = new CacheHint { TenantKey = "chat" } };
        for (var turn = 0; turn < 10; turn++)
        {
            history.Add(Message.User($"Turn {turn}: and {turn * 7}?"));
            var cached = await _cached.GenerateAsync(new GenerationRequest(history, options));
            var cold = await _uncached.GenerateAsync(new GenerationRequest(history, options));

            Assert.Equal(cold.Text, cached.Text);
            Assert.Equal(cold.Usage!.PromptTokens, cached.Usage!.PromptTokens);
            Assert.Equal(0, cold.Usage.CachedPromptTokens);
            if (turn > 0)
            {
                Assert.True(cached.Usage.CachedPromptTokens > 0, $"turn {turn} reused nothing");
            }

            history.Add(Message.Assistant(cached.Text));
        }

        var stats = ((IPrefixCache)_cache).Statistics;
        Assert.Equal(10, stats.Lookups);
        Assert.True(stats.Hits >= 9);
    }

    [Fact]
    public async Task GenerateAsync_ConcurrentRequestsSharingAPrefix_MatchTheirUncachedOutput()
    {
        var system = Message.System(string.Join(' ', Enumerable.Repeat("Shared instructions for every request in this test.", 8)));
        var options = new GenerationOptions { MaxTokens = 6, Temperature = 0 };
        var requests = Enumerable.Range(0, 8).Select(i => new GenerationRequest([system, Message.User($"Question {i}?")], options)).ToArray();
        var expected = new List<string>();
        foreach (var request in requests)
        {
            expected.Add((await _uncached.GenerateAsync(request)).Text);
        }

        // Warm the cache with the shared prefix, then run all at once.
        await _cached.GenerateAsync(requests[0]);
        var results = await Task.WhenAll(requests.Select(r => _cached.GenerateAsync(r)));

        Assert.Equal(expected, results.Select(r => r.Text));
        Assert.All(results, r => Assert.True(r.Usage!.CachedPromptTokens > 0));
    }
}
