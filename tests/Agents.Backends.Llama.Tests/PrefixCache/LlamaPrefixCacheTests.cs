using Agents.Backends.Llama.PrefixCache;
using LLama.Native;

namespace Agents.Backends.Llama.Tests.PrefixCache;

/// <summary>
/// The adapter driven the way the scheduler drives it (restore, trim, evaluate the rest, report the evaluated prompt),
/// against a cold prefill of the same prompt: greedy output and logits must match bit for bit (flash attention off).
/// </summary>
public sealed class LlamaPrefixCacheTests : IDisposable
{
    private const int Generate = 12;
    private static readonly LLamaSeqId s_sequence = (LLamaSeqId)0;
    private static readonly LLamaSeqId s_coldSequence = (LLamaSeqId)1;
    private static readonly LLamaSeqId s_scratch = (LLamaSeqId)3;
    private readonly RawDecoder _decoder = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "prefix-cache-llama-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        _decoder.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void TenTurnConversation_CachedOutput_IsIdenticalToColdAndReusesEachPreviousPrompt()
    {
        using var cache = CreateCache(new PrefixCacheOptions());
        var hint = new CacheHint { TenantKey = "alice" };
        var prompt = RawDecoder.Tokens(10, 120);
        var previous = 0;
        for (var turn = 0; turn < 10; turn++)
        {
            var cached = RunCached(cache, prompt, hint, out var logits, out var output);
            var cold = _decoder.Cold(s_coldSequence, prompt, Generate);

            Assert.Equal(cold.Output, output);
            Assert.Equal(cold.Logits, logits);
            Assert.Equal(previous, cached);
            previous = prompt.Length;
            prompt = [.. prompt, .. output.Select(t => (LLamaToken)t), .. RawDecoder.Tokens(100 + turn, 25)];
        }

        var stats = cache.Cache.Statistics;
        Assert.Equal(10, stats.Lookups);
        Assert.Equal(9, stats.Hits);
        Assert.Equal(10, stats.Insertions);
    }

    [Fact]
    public void Conversation_UnderTinyBudgetWithEvictions_StaysIdenticalToCold()
    {
        var stateSize = MeasureStateSize(200);
        using var cache = CreateCache(new PrefixCacheOptions { MaxBytes = stateSize * 3 });
        var hints = new[] { new CacheHint { TenantKey = "a" }, new CacheHint { TenantKey = "b" }, new CacheHint { TenantKey = "c" } };
        var prompts = hints.Select((_, i) => RawDecoder.Tokens(200 + i, 150)).ToArray();
        for (var turn = 0; turn < 4; turn++)
        {
            for (var i = 0; i < hints.Length; i++)
            {
                RunCached(cache, prompts[i], hints[i], out _, out var output);
                Assert.Equal(_decoder.Cold(s_coldSequence, prompts[i], Generate).Output, output);
                prompts[i] = [.. prompts[i], .. output.Select(t => (LLamaToken)t), .. RawDecoder.Tokens(300 + turn, 10)];
            }
        }

        var stats = cache.Cache.Statistics;
        Assert.True(stats.Evictions > 0, "the budget should have forced evictions");
        Assert.True(stats.BytesHeld <= stats.MaxBytes);
        Assert.True(stats.HitTokens > 0);
    }

    [Fact]
    public void Restore_IdenticalPromptOfAnotherTenant_ReusesNothing()
    {
        using var cache = CreateCache(new PrefixCacheOptions());
        var prompt = RawDecoder.Tokens(20, 150);
        RunCached(cache, prompt, new CacheHint { TenantKey = "alice" }, out _, out var aliceOutput);

        var bobCached = RunCached(cache, prompt, new CacheHint { TenantKey = "bob" }, out _, out var bobOutput);
        var anonymousCached = RunCached(cache, prompt, hint: null, out _, out _);
        var aliceAgain = RunCached(cache, prompt, new CacheHint { TenantKey = "alice" }, out _, out var aliceAgainOutput);

        Assert.Equal(0, bobCached);
        Assert.Equal(0, anonymousCached);
        Assert.Equal(prompt.Length - 1, aliceAgain);
        Assert.Equal(aliceOutput, bobOutput);
        Assert.Equal(aliceOutput, aliceAgainOutput);
    }

    [Fact]
    public void Restore_SharedSystemPrompt_IsReusedAcrossTenantsUpToTheSharedTokensOnly()
    {
        using var cache = CreateCache(new PrefixCacheOptions());
        var system = RawDecoder.Tokens(30, 100);
        LLamaToken[] alicePrompt = [.. system, .. RawDecoder.Tokens(31, 60)];
        LLamaToken[] bobPrompt = [.. system, .. RawDecoder.Tokens(31, 60)];
        RunCached(cache, alicePrompt, new CacheHint { TenantKey = "alice" }, out _, out _, sharedTokens: system.Length);

        var bobCached = RunCached(cache, bobPrompt, new CacheHint { TenantKey = "bob" }, out var logits, out var output, sharedTokens: system.Length);
        var cold = _decoder.Cold(s_coldSequence, bobPrompt, Generate);

        // Bob's prompt equals Alice's, but only the shared system prompt may come from her request.
        Assert.Equal(system.Length, bobCached);
        Assert.Equal(cold.Logits, logits);
        Assert.Equal(cold.Output, output);
        Assert.Equal(-1, _decoder.Handle.MemorySequenceMaxPosition(s_scratch).Value);
    }

    [Fact]
    public void Restore_StateSpilledToDiskAndAfterRestart_IsIdenticalToCold()
    {
        var stateSize = MeasureStateSize(200);
        var options = new PrefixCacheOptions { MaxBytes = stateSize + (stateSize / 2), DiskDirectory = _directory };
        var hint = new CacheHint { TenantKey = "alice" };
        var first = RawDecoder.Tokens(40, 200);
        LLamaToken[] firstExtended = [.. first, .. RawDecoder.Tokens(41, 20)];
        using (var cache = CreateCache(options))
        {
            RunCached(cache, first, hint, out _, out _);
            RunCached(cache, RawDecoder.Tokens(42, 200), hint, out _, out _);
            Assert.Equal(1, cache.Cache.Statistics.DiskEntries);

            var cached = RunCached(cache, firstExtended, hint, out var logits, out var output);
            Assert.Equal(first.Length, cached);
            Assert.Equal(_decoder.Cold(s_coldSequence, firstExtended, Generate).Output, output);
        }

        using var restarted = CreateCache(options);
        var afterRestart = RunCached(restarted, firstExtended, hint, out var restartedLogits, out var restartedOutput);
        var cold = _decoder.Cold(s_coldSequence, firstExtended, Generate);

        Assert.Equal(first.Length, afterRestart);
        Assert.Equal(cold.Logits, restartedLogits);
        Assert.Equal(cold.Output, restartedOutput);
    }

    [Fact]
    public void Restore_StateFindingTooFewFreeCells_AsksForRoomAndThenSucceeds()
    {
        using var cache = CreateCache(new PrefixCacheOptions());
        var hint = new CacheHint { TenantKey = "alice" };
        var prompt = RawDecoder.Tokens(40, 1200);
        var handle = _decoder.Handle;
        _decoder.Evaluate(s_sequence, prompt, 0);
        cache.OnPromptEvaluated(_decoder.Context, s_sequence, prompt, hint);
        handle.MemorySequenceRemove(s_sequence, -1, -1);

        // Another sequence holds 1,000 of the 2,048 cells: the 1,200-token state does not fit until it is removed.
        var blocker = (LLamaSeqId)1;
        _decoder.Evaluate(blocker, RawDecoder.Tokens(41, 1000), 0);
        var roomAsked = 0;

        var restored = cache.Restore(_decoder.Context, s_sequence, [.. prompt, .. RawDecoder.Tokens(43, 20)], hint, 0, () =>
        {
            roomAsked++;
            handle.MemorySequenceRemove(blocker, -1, -1);
            return roomAsked == 1;
        });

        Assert.Equal(1, roomAsked);
        Assert.Equal(prompt.Length, restored);
        Assert.Equal(prompt.Length - 1, handle.MemorySequenceMaxPosition(s_sequence).Value);
        Assert.Equal(1, cache.Cache.Statistics.Entries);
    }

    [Fact]
    public void ComputeModelIdentity_DependsOnFlashAttentionAndAdapters()
    {
        var plain = LlamaPrefixCache.ComputeModelIdentity(_decoder.Info, flashAttention: false);

        Assert.Equal(32, plain.Length);
        Assert.Equal(plain, LlamaPrefixCache.ComputeModelIdentity(_decoder.Info, flashAttention: false));
        Assert.NotEqual(plain, LlamaPrefixCache.ComputeModelIdentity(_decoder.Info, flashAttention: true));
        Assert.NotEqual(plain, LlamaPrefixCache.ComputeModelIdentity(_decoder.Info, flashAttention: false, adapters: "style.gguf@0.5"));
    }

    private LlamaPrefixCache CreateCache(PrefixCacheOptions options) =>
        new(new TokenPrefixCache(options, LlamaPrefixCache.ComputeModelIdentity(_decoder.Info, flashAttention: false)), s_scratch);

    /// <summary>What the scheduler does: restore, trim, evaluate the rest, report the prompt, decode, free the sequence.</summary>
    private int RunCached(LlamaPrefixCache cache, LLamaToken[] prompt, CacheHint? hint, out float[] logits, out int[] output, int sharedTokens = 0)
    {
        var cached = cache.Restore(_decoder.Context, s_sequence, prompt, hint, sharedTokens);
        _decoder.Handle.MemorySequenceRemove(s_sequence, cached, -1);
        logits = _decoder.Evaluate(s_sequence, prompt.AsSpan(cached), cached);
        cache.OnPromptEvaluated(_decoder.Context, s_sequence, prompt, hint, sharedTokens);
        output = _decoder.Greedy(s_sequence, logits, prompt.Length, Generate);
        _decoder.Handle.MemorySequenceRemove(s_sequence, -1, -1);
        return cached;
    }

    private long MeasureStateSize(int tokens)
    {
        _decoder.Evaluate(s_sequence, RawDecoder.Tokens(999, tokens), 0);
        var size = SequenceStateIO.Save(_decoder.Handle, s_sequence).LongLength;
        _decoder.Handle.MemorySequenceRemove(s_sequence, -1, -1);
        return size;
    }
}
