using Agents.Backends.Llama.PrefixCache;
using Agents.Backends.Llama.Tests.Infrastructure;

namespace Agents.Backends.Llama.Tests.PrefixCache;

/// <summary>
/// The resident tier of the generator's prefix cache: finished requests' KV stays in the context, is reused by
/// copying or taking over the sequence, is evicted under KV pressure (a reused prefix saved to the state tier on the
/// way out), and never changes greedy output.
/// </summary>
public sealed class ResidentPrefixTests : IDisposable
{
    private static readonly Message TenantASystem =
        Message.System(string.Join(' ', Enumerable.Repeat("You answer questions about the resident prefix test corpus.", 20)));

    private static readonly Message TenantBSystem =
        Message.System(string.Join(' ', Enumerable.Repeat("Tenant B has its own and rather longer instructions for the test.", 28)));

    private readonly LlamaGenerator _cached;
    private readonly LlamaGenerator _uncached;

    public ResidentPrefixTests()
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

    // One 512-token window and a KV cache of exactly that: two long prompts cannot both stay resident.
    private static LlamaModelOptions Options()
    {
        var options = GeneratorFixture.CreateOptions();
        options.Scheduling.MaxConcurrentSequences = 1;
        options.Scheduling.KvCacheTokens = GeneratorFixture.ContextWindow;
        return options;
    }

    private static GenerationRequest Request(Message system, string question, string tenant) =>
        new([system, Message.User(question)],
            new GenerationOptions { MaxTokens = 8, Temperature = 0, CacheHint = new CacheHint { TenantKey = tenant } });

    private async Task<GenerationResult> BothAsync(GenerationRequest request)
    {
        var cached = await _cached.GenerateAsync(request);
        var cold = await _uncached.GenerateAsync(request);
        Assert.Equal(cold.Text, cached.Text);
        Assert.Equal(0, cold.Usage!.CachedPromptTokens);
        return cached;
    }

    [Fact]
    public async Task KvPressure_EvictsResidentPrefixes_SavesTheReusedOne_AndRestoresItLater()
    {
        var cache = _cached.GetService<IPrefixCache>()!;
        var first = await BothAsync(Request(TenantASystem, "First?", "a"));
        var second = await BothAsync(Request(TenantASystem, "Second, a little longer?", "a"));
        Assert.Equal(0, first.Usage!.CachedPromptTokens);
        Assert.True(second.Usage!.CachedPromptTokens > 150, $"reused {second.Usage.CachedPromptTokens}");
        Assert.Equal(2, cache.Statistics.ResidentEntries);
        Assert.Equal(cache.Statistics.Entries, cache.Statistics.ResidentEntries);

        // Tenant B's long prompt needs the cells tenant A's prefixes hold.
        var other = await BothAsync(Request(TenantBSystem, "Anything?", "b"));
        Assert.Equal(0, other.Usage!.CachedPromptTokens);
        var stats = cache.Statistics;
        Assert.True(stats.Evictions >= 2, $"evictions: {stats.Evictions}");
        Assert.Equal(1, stats.ResidentEntries);
        Assert.True(stats.Entries - stats.ResidentEntries >= 1, "the reused prefix was not saved when it was evicted");

        // Tenant A again: nothing of it is resident, its saved state is restored.
        var third = await BothAsync(Request(TenantASystem, "Third, and this question is quite a lot longer than the first?", "a"));
        Assert.True(third.Usage!.CachedPromptTokens > 150, $"reused {third.Usage.CachedPromptTokens}");
    }

    [Fact]
    public async Task ConversationContinuing_ReusesItsWholePreviousTurn_AndMatchesUncachedOutput()
    {
        var history = new List<Message> { Message.System("You are a terse assistant for resident prefix tests.") };
        var previousPrompt = 0;
        for (var turn = 0; turn < 6; turn++)
        {
            history.Add(Message.User($"Turn {turn}: what about {turn * 11}?"));
            var result = await BothAsync(new GenerationRequest(history, new GenerationOptions { MaxTokens = 6, Temperature = 0 }));
            if (turn > 0)
            {
                // At least the previous prompt, up to where the template starts the assistant's reply, was kept.
                Assert.True(result.Usage!.CachedPromptTokens >= previousPrompt - 4, $"turn {turn}: reused {result.Usage.CachedPromptTokens} of {previousPrompt}");
            }

            previousPrompt = result.Usage!.PromptTokens;
            history.Add(Message.Assistant(result.Text));
        }
    }

    [Fact]
    public async Task CancelledRequest_IsNotKeptResident_AndTheNextRequestIsUnaffected()
    {
        // The clock cancels the request when the scheduler stamps its first token, so the cancellation always lands
        // mid-generation, however fast the test model decodes.
        using var cancellation = new CancellationTokenSource();
        var options = Options();
        options.PrefixCache = new PrefixCacheOptions();
        using var generator = new LlamaGenerator(options, timeProvider: new CancellingClock(cancellation, atCall: 2));
        var cache = generator.GetService<IPrefixCache>()!;
        var request = Request(TenantASystem, "Cancel me.", "a");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in generator.StreamAsync(request, cancellation.Token))
            {
                Assert.NotNull(update);
            }
        });

        Assert.Equal(0, cache.Statistics.ResidentEntries);
        var after = await generator.GenerateAsync(request);
        Assert.Equal(0, after.Usage!.CachedPromptTokens);
        Assert.Equal((await _uncached.GenerateAsync(request)).Text, after.Text);
        Assert.Equal(1, cache.Statistics.ResidentEntries);
    }

    private sealed class CancellingClock(CancellationTokenSource cancellation, int atCall) : TimeProvider
    {
        private int _calls;

        public override long GetTimestamp()
        {
            if (Interlocked.Increment(ref _calls) == atCall)
            {
                cancellation.Cancel();
            }

            return base.GetTimestamp();
        }
    }

    [Fact]
    public async Task ConcurrentRequestsSharingAResidentPrefix_EachCopyIt_AndMatchUncachedOutput()
    {
        var options = GeneratorFixture.CreateOptions();
        options.PrefixCache = new PrefixCacheOptions();
        using var cached = new LlamaGenerator(options);
        var requests = Enumerable.Range(0, 8).Select(i => Request(TenantASystem, $"Concurrent question {i}?", "a")).ToArray();
        var expected = new List<string>();
        foreach (var request in requests)
        {
            expected.Add((await _uncached.GenerateAsync(request)).Text);
        }

        await cached.GenerateAsync(requests[0]);
        var results = await Task.WhenAll(requests.Select(r => cached.GenerateAsync(r)));

        Assert.Equal(expected, results.Select(r => r.Text));
        Assert.All(results, r => Assert.True(r.Usage!.CachedPromptTokens > 150, $"reused {r.Usage.CachedPromptTokens}"));
    }

    [Fact]
    public async Task TwoTenantsConcurrentlyUnderATightKvCache_MatchUncachedOutput_WithHitsAndEvictions()
    {
        var options = GeneratorFixture.CreateOptions();
        options.Scheduling.MaxConcurrentSequences = 4;
        options.Scheduling.KvCacheTokens = 3 * GeneratorFixture.ContextWindow;
        options.PrefixCache = new PrefixCacheOptions();
        using var cached = new LlamaGenerator(options);
        var systems = new[] { TenantASystem, TenantBSystem };
        var requests = Enumerable.Range(0, 24)
            .Select(i => Request(systems[i % 2], $"Question {i / 3} of the stress test, variant {i % 5}?", $"tenant-{i % 2}"))
            .ToArray();
        var expected = new List<string>();
        foreach (var request in requests)
        {
            expected.Add((await _uncached.GenerateAsync(request)).Text);
        }

        var actual = new List<string>();
        foreach (var wave in requests.Chunk(8))
        {
            actual.AddRange((await Task.WhenAll(wave.Select(r => cached.GenerateAsync(r)))).Select(r => r.Text));
        }

        Assert.Equal(expected, actual);
        var stats = cached.GetService<IPrefixCache>()!.Statistics;
        Assert.True(stats.HitTokens > 0, "nothing was reused");
        Assert.True(stats.Evictions > 0, "nothing was evicted");
    }
}
