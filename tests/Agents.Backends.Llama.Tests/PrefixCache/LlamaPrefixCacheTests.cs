using System.Runtime.InteropServices;
using Agents.Backends.Llama.KvCache;
using Agents.Backends.Llama.PrefixCache;
using Agents.Backends.Llama.Tests.Infrastructure;
using LLama.Native;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agents.Backends.Llama.Tests.PrefixCache;

/// <summary>
/// The KV-cache policy over a real context, driven the way the scheduler drives it (admit, evaluate the rest, report
/// the evaluated prompt, release), against a cold prefill of the same prompt: greedy output and logits must match bit
/// for bit (flash attention off).
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
    public void Admit_SavedStateNeedingCellsAResidentPrefixHolds_EvictsItAndRestores()
    {
        using var cache = CreateCache(new PrefixCacheOptions(), residentSequences: 2);
        var hint = new CacheHint { TenantKey = "alice" };
        var prompt = RawDecoder.Tokens(40, 1200);
        RunCached(cache, prompt, hint, out _, out _);

        // Another request stays resident with 1,000 of the 2,048 cells: the 1,200-token state does not fit beside it.
        var blocker = RawDecoder.Tokens(41, 1000);
        RunCached(cache, blocker, new CacheHint { TenantKey = "bob" }, out _, out _, keepResident: true);
        Assert.Equal(1, cache.Resident.Count);

        LLamaToken[] extended = [.. prompt, .. RawDecoder.Tokens(43, 20)];
        var restored = RunCached(cache, extended, hint, out _, out var output);

        Assert.Equal(prompt.Length, restored);
        Assert.Equal(0, cache.Resident.Count);
        Assert.Equal(_decoder.Cold(s_coldSequence, extended, Generate).Output, output);
    }

    [Fact]
    public void ComputeModelIdentity_DependsOnFlashAttentionAndAdapters()
    {
        var adapter = Path.Combine(Path.GetTempPath(), "identity-adapter-" + Guid.NewGuid().ToString("N") + ".gguf");
        LoraAdapterFile.Write(adapter, seed: 5, magnitude: 1f);
        try
        {
            var plain = PrefixCacheIdentity.Compute(_decoder.Info.Path, flashAttention: false, []);

            Assert.Equal(plain.Key, PrefixCacheIdentity.Compute(_decoder.Info.Path, flashAttention: false, []).Key);
            Assert.Equal("context settings", plain.Difference(PrefixCacheIdentity.Compute(_decoder.Info.Path, flashAttention: true, [])));
            Assert.Equal("LoRA adapters", plain.Difference(PrefixCacheIdentity.Compute(_decoder.Info.Path, flashAttention: false, [(adapter, 0.5f)])));
        }
        finally
        {
            File.Delete(adapter);
        }
    }

    private Harness CreateCache(PrefixCacheOptions options, int residentSequences = 0)
    {
        var cache = new TokenPrefixCache(options, PrefixCacheIdentity.Compute(_decoder.Info.Path, flashAttention: false, []));
        var resident = residentSequences > 0 ? new ResidentPrefixes(16, 1) : ResidentPrefixes.None;
        cache.ResidentTier = resident;
        var settings = new KvCacheSettings
        {
            Capacity = (int)_decoder.Context.ContextSize,
            Sequences = Math.Max(1, residentSequences),
            ScratchSequence = s_scratch.Value,
            SaveOnEvaluation = true,
            InlineSpills = true,
        };
        return new Harness(cache, resident, new KvCachePolicy(new LlamaKvStore(_decoder.Context), settings, cache, resident, NullLogger.Instance));
    }

    /// <summary>What the scheduler does: admit, evaluate the rest, report the prompt, decode, release.</summary>
    private int RunCached(Harness cache, LLamaToken[] prompt, CacheHint? hint, out float[] logits, out int[] output, int sharedTokens = 0, bool keepResident = false)
    {
        var ids = MemoryMarshal.Cast<LLamaToken, int>(prompt.AsSpan()).ToArray();
        var request = new KvRequest(ids, PrefixScope.ForTenant(hint?.TenantKey), sharedTokens, hint, SequenceCount: 1, ReservedCells: prompt.Length + Generate);
        var admission = cache.Policy.Admit(request);
        var sequence = (LLamaSeqId)admission.Sequences[0];
        var cached = admission.CachedTokens;
        logits = _decoder.Evaluate(sequence, prompt.AsSpan(cached), cached);
        cache.Policy.OnPromptEvaluated(request, sequence.Value);
        output = _decoder.Greedy(sequence, logits, prompt.Length, Generate);
        cache.Policy.Release(request, admission.Sequences, keepResident ? [.. ids, .. output] : null);
        return cached;
    }

    /// <summary>The policy over the decoder's context with its saved tier.</summary>
    private sealed record Harness(TokenPrefixCache Cache, ResidentPrefixes Resident, KvCachePolicy Policy) : IDisposable
    {
        public void Dispose()
        {
            Policy.Dispose();
            Cache.Dispose();
        }
    }

    private long MeasureStateSize(int tokens)
    {
        _decoder.Evaluate(s_sequence, RawDecoder.Tokens(999, tokens), 0);
        var size = SequenceStateIO.Save(_decoder.Handle, s_sequence).LongLength;
        _decoder.Handle.MemorySequenceRemove(s_sequence, -1, -1);
        return size;
    }
}
