using Agents.Backends.Llama.PrefixCache;
using Agents.Backends.Llama.Tests.Infrastructure;

namespace Agents.Backends.Llama.Tests;

/// <summary>Hostile inputs and races against the local backend's KV cache (issue #17, items 4 and 10).</summary>
public sealed partial class HostileInputTests
{
    private static readonly Message SharedSystem =
        Message.System(string.Join(' ', Enumerable.Repeat("Shared instructions every tenant of the race test sends first.", 6)));

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(int.MaxValue - 3)]
    [InlineData(GeneratorFixture.ContextWindow)]
    public async Task GenerateAsync_MaxTokensAtOrOverTheWindow_ThrowsContextWindowExceeded_AndLaterRequestsRun(int maxTokens)
    {
        using var generator = new LlamaGenerator(GeneratorFixture.CreateOptions());

        var error = await Assert.ThrowsAsync<ContextWindowExceededException>(
            () => generator.GenerateAsync("Hello", new GenerationOptions { MaxTokens = maxTokens }));
        var after = await generator.GenerateAsync("Hello", new GenerationOptions { MaxTokens = 3, Temperature = 0 });

        Assert.Equal(GeneratorFixture.ContextWindow, error.ContextWindow);
        Assert.Equal(maxTokens, error.RequestedCompletionTokens);
        Assert.True(error.PromptTokens > 0);
        Assert.Equal(FinishReason.Length, after.FinishReason);
    }

    [Fact]
    public async Task GenerateAsync_BeamSearchWithHugeMaxTokens_ThrowsContextWindowExceeded()
    {
        using var generator = new LlamaGenerator(GeneratorFixture.CreateOptions());

        await Assert.ThrowsAsync<ContextWindowExceededException>(() => generator.GenerateAsync(
            "Hello", new GenerationOptions { MaxTokens = int.MaxValue / 2, Decoding = DecodingStrategy.Beam(2) }));
    }

    [Fact]
    public async Task PrefixCacheClear_RacingSharedPrefixRequests_NeverChangesOutput()
    {
        var options = GeneratorFixture.CreateOptions();
        options.Load.ContextSize = 1024;
        options.Scheduling.MaxConcurrentSequences = 4;
        options.Load.FlashAttention = false;
        var withCache = options.Clone();
        withCache.PrefixCache = new PrefixCacheOptions { MinimumPrefixTokens = 4 };
        using var cached = new LlamaGenerator(withCache);
        using var uncached = new LlamaGenerator(options);
        var cache = cached.GetService<IPrefixCache>()!;
        GenerationRequest Request(int i) => new(
            [SharedSystem, Message.User($"Question {i % 3}")],
            new GenerationOptions
            {
                MaxTokens = 4,
                Temperature = 0,
                CacheHint = new CacheHint { TenantKey = i % 2 == 0 ? "a" : "b", StablePrefixMessageCount = 1, SharedPrefixMessageCount = 1 },
            });
        var expected = new string[3];
        for (var q = 0; q < expected.Length; q++)
        {
            expected[q] = (await uncached.GenerateAsync(Request(q))).Text;
        }

        // Odd rounds race Clear() against admissions that find the previous round's resident prefixes; even rounds reuse.
        var reused = 0;
        for (var round = 0; round < 8; round++)
        {
            var requests = Enumerable.Range(round * 4, 4).Select(i => cached.GenerateAsync(Request(i))).ToArray();
            if (round % 2 == 1)
            {
                for (var c = 0; c < 20 && !requests.All(r => r.IsCompleted); c++)
                {
                    cache.Clear();
                    await Task.Delay(c % 3);
                }
            }

            var results = await Task.WhenAll(requests);
            for (var k = 0; k < results.Length; k++)
            {
                Assert.Equal(expected[((round * 4) + k) % 3], results[k].Text);
                reused += results[k].Usage!.CachedPromptTokens;
            }
        }

        Assert.True(reused > 0, "some requests should have reused a resident prefix");
    }

    [Fact]
    public async Task Dispose_WithRequestsInFlight_EndsEachWithResultOrObjectDisposedOrCancelled()
    {
        var options = GeneratorFixture.CreateOptions();
        options.PrefixCache = new PrefixCacheOptions { MinimumPrefixTokens = 4 };
        var generator = new LlamaGenerator(options);
        var calls = Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            await foreach (var update in generator.StreamAsync(
                new GenerationRequest([SharedSystem, Message.User($"Tell me about {i}")], new GenerationOptions { MaxTokens = 64, Temperature = 0 })))
            {
                _ = update;
            }
        })).ToArray();
        await Task.Delay(50);

        generator.Dispose();

        foreach (var call in calls)
        {
            var error = await Record.ExceptionAsync(() => call);
            Assert.True(error is null or ObjectDisposedException or OperationCanceledException, $"unexpected {error?.GetType().Name}: {error?.Message}");
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync("after", new GenerationOptions { MaxTokens = 1 }));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RequestsWithoutTenant_ReuseEachOther_OnlyWhenNotIsolated(bool isolate)
    {
        var options = GeneratorFixture.CreateOptions();
        options.PrefixCache = new PrefixCacheOptions { MinimumPrefixTokens = 4, IsolateRequestsWithoutTenant = isolate };
        using var generator = new LlamaGenerator(options);
        var request = new GenerationRequest([SharedSystem, Message.User("Same question")], new GenerationOptions { MaxTokens = 2, Temperature = 0 });

        var first = await generator.GenerateAsync(request);
        var second = await generator.GenerateAsync(request);

        Assert.Equal(0, first.Usage!.CachedPromptTokens);
        Assert.Equal(isolate ? 0 : second.Usage!.PromptTokens - 1, second.Usage!.CachedPromptTokens);
        Assert.Equal(first.Text, second.Text);
    }
}
