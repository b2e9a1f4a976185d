using Agents.Backends.Llama.PrefixCache;
using static Agents.Backends.Llama.Tests.PrefixCache.PrefixCacheTestData;

namespace Agents.Backends.Llama.Tests.PrefixCache;

public sealed class TokenPrefixCacheTests
{
    private static readonly PrefixScope s_alice = PrefixScope.ForTenant("alice");
    private static readonly PrefixScope s_bob = PrefixScope.ForTenant("bob");

    [Fact]
    public void Lookup_HandBuiltConversation_CountsHitAndMissTokens()
    {
        using var cache = new TokenPrefixCache(Options());
        var system = Run(1000, 20);
        var turn1 = Concat(system, Run(2000, 10));
        var turn2 = Concat(turn1, Run(3000, 8), Run(4000, 6));

        // Turn 1: cold, then its evaluated prompt is saved.
        Assert.Equal(0, cache.Lookup(turn1, s_alice).ReusableTokens);
        Assert.True(cache.Insert(turn1, s_alice, new FakeStatePayload("turn1")));

        // Turn 2 extends turn 1: the whole of turn 1 is reused, only the new tokens are missed.
        var second = cache.Lookup(turn2, s_alice);
        Assert.Equal(turn1.Length, second.ReusableTokens);
        Assert.Equal("turn1", FakeStatePayload.LabelOf(second.State!));
        Assert.True(cache.Insert(turn2, s_alice, new FakeStatePayload("turn2")));

        // A different question after the system prompt: 20 tokens shared with both saved prompts.
        var other = Concat(system, Run(9000, 5));
        var third = cache.Lookup(other, s_alice);
        Assert.Equal(system.Length, third.ReusableTokens);

        var stats = cache.Statistics;
        Assert.Equal(3, stats.Lookups);
        Assert.Equal(2, stats.Hits);
        Assert.Equal(turn1.Length + system.Length, stats.HitTokens);
        Assert.Equal(turn1.Length + (turn2.Length - turn1.Length) + (other.Length - system.Length), stats.MissTokens);
        Assert.Equal(2, stats.Insertions);
        Assert.Equal(2, stats.Entries);
        Assert.Equal(200, stats.BytesHeld);
    }

    [Fact]
    public void Lookup_SeveralCandidates_ReturnsLongestReusablePrefixAndSmallestStateForIt()
    {
        using var cache = new TokenPrefixCache(Options());
        var root = Run(1, 10);
        cache.Insert(root, s_alice, new FakeStatePayload("10"));
        cache.Insert(Concat(root, Run(100, 10)), s_alice, new FakeStatePayload("20a"));
        cache.Insert(Concat(root, Run(100, 5), Run(500, 20)), s_alice, new FakeStatePayload("35"));
        cache.Insert(Concat(root, Run(200, 30)), s_alice, new FakeStatePayload("40"));

        // Shares 15 tokens with "20a" and "35": both serve it after trimming; "20a" is smaller.
        var request = Concat(root, Run(100, 5), Run(700, 3));
        var lookup = cache.Lookup(request, s_alice);
        Assert.Equal(15, lookup.ReusableTokens);
        Assert.Equal("20a", FakeStatePayload.LabelOf(lookup.State!));
        Assert.Equal(20, lookup.StateTokens);

        // Extends "35" by 2 tokens: all 35 are reused from exactly that state.
        var extended = cache.Lookup(Concat(root, Run(100, 5), Run(500, 20), Run(900, 2)), s_alice);
        Assert.Equal(35, extended.ReusableTokens);
        Assert.Equal("35", FakeStatePayload.LabelOf(extended.State!));

        // Diverges right after the root: only the root's own state fits.
        var diverged = cache.Lookup(Concat(root, Run(800, 4)), s_alice);
        Assert.Equal(10, diverged.ReusableTokens);
        Assert.Equal("10", FakeStatePayload.LabelOf(diverged.State!));
    }

    [Fact]
    public void Acquire_StatesLongerThanTheCallerCanTake_ArePassedOver()
    {
        using var cache = new TokenPrefixCache(Options());
        cache.Insert(Run(1, 10), s_alice, new FakeStatePayload("short"));
        cache.Insert(Run(1, 100), s_alice, new FakeStatePayload("long"));

        var limited = cache.Acquire(Concat(Run(1, 20), Run(500, 5)), s_alice, 0, (_, _, _) => true, maxStateTokens: 50);
        var unlimited = cache.Acquire(Concat(Run(1, 20), Run(500, 5)), s_alice, 0, (_, _, _) => true);

        Assert.Equal(10, limited.ReusableTokens);
        Assert.Equal("short", FakeStatePayload.LabelOf(limited.State!));
        Assert.Equal(20, unlimited.ReusableTokens);
        Assert.Equal("long", FakeStatePayload.LabelOf(unlimited.State!));
    }

    [Fact]
    public void Lookup_MatchShorterThanMinimum_IsAMiss()
    {
        using var cache = new TokenPrefixCache(Options(minimum: 8));
        cache.Insert(Run(1, 20), s_alice, new FakeStatePayload("a"));

        var lookup = cache.Lookup(Concat(Run(1, 7), Run(100, 10)), s_alice);

        Assert.False(lookup.IsHit);
        Assert.Equal(17, cache.Statistics.MissTokens);
    }

    [Fact]
    public void Insert_PrefixOfACachedState_IsCoveredAndNotStored()
    {
        using var cache = new TokenPrefixCache(Options());
        cache.Insert(Run(1, 30), s_alice, new FakeStatePayload("long"));
        var shorter = new FakeStatePayload("short");

        Assert.True(cache.IsCovered(Run(1, 12), s_alice));
        Assert.False(cache.Insert(Run(1, 12), s_alice, shorter));
        Assert.True(shorter.IsDisposed);
        Assert.Equal(1, cache.Statistics.Entries);
        Assert.False(cache.IsCovered(Run(1, 12), s_bob));
    }

    [Fact]
    public void Insert_OverTinyBudget_EvictsLeastRecentlyUsedSubtreeWholeDeepestFirst()
    {
        // Room for three 100-byte states.
        using var cache = new TokenPrefixCache(Options(maxBytes: 300));
        var a = Run(1, 10);
        var b = Run(500, 10);
        var aChild = Concat(a, Run(50, 10));
        var states = new Dictionary<string, FakeStatePayload>();
        FakeStatePayload State(string label) => states[label] = new FakeStatePayload(label);

        cache.Insert(a, s_alice, State("a"));
        cache.Insert(aChild, s_alice, State("a-child"));
        cache.Insert(b, s_alice, State("b"));

        // Using b makes the subtree under a the least recently used one.
        Assert.True(cache.Lookup(Concat(b, Run(9000, 2)), s_alice).IsHit);
        cache.Insert(Run(800, 10), s_alice, State("c"));

        // The cold subtree goes deepest first: its child before a itself.
        Assert.True(states["a-child"].IsDisposed);
        Assert.False(states["a"].IsDisposed);
        Assert.Equal(1, cache.Statistics.Evictions);

        cache.Insert(Run(900, 10), s_alice, State("d"));

        Assert.True(states["a"].IsDisposed);
        Assert.False(states["b"].IsDisposed);
        Assert.False(cache.Lookup(Concat(a, Run(50, 10)), s_alice).IsHit);
        Assert.True(cache.Lookup(b, s_alice).IsHit);
        var stats = cache.Statistics;
        Assert.Equal(2, stats.Evictions);
        Assert.Equal(3, stats.Entries);
        Assert.Equal(300, stats.BytesHeld);
    }

    [Fact]
    public void Insert_UseOfDeepStateKeepsItsAncestorsWarm()
    {
        using var cache = new TokenPrefixCache(Options(maxBytes: 300));
        var a = Run(1, 10);
        var aChild = Concat(a, Run(50, 10));
        var b = new FakeStatePayload("b");
        var aState = new FakeStatePayload("a");
        cache.Insert(a, s_alice, aState);
        cache.Insert(Run(500, 10), s_alice, b);
        cache.Insert(aChild, s_alice, new FakeStatePayload("a-child"));

        cache.Insert(Run(800, 10), s_alice, new FakeStatePayload("c"));

        // b is the oldest path; a was touched when a-child was inserted under it.
        Assert.True(b.IsDisposed);
        Assert.False(aState.IsDisposed);
    }

    [Fact]
    public void Insert_StateLargerThanBudget_IsRejected()
    {
        using var cache = new TokenPrefixCache(Options(maxBytes: 50));
        var state = new FakeStatePayload("big", size: 51);

        Assert.False(cache.Insert(Run(1, 10), s_alice, state));
        Assert.True(state.IsDisposed);
        Assert.Equal(0, cache.Statistics.BytesHeld);
    }

    [Fact]
    public void Lookup_IdenticalTokensOfAnotherTenant_Misses()
    {
        using var cache = new TokenPrefixCache(Options());
        var prompt = Run(1, 40);
        cache.Insert(prompt, s_alice, new FakeStatePayload("alice"));

        Assert.False(cache.Lookup(prompt, s_bob).IsHit);
        Assert.False(cache.Lookup(prompt, PrefixScope.Anonymous).IsHit);
        Assert.False(cache.Lookup(prompt, s_bob, sharedTokenCount: 40).IsHit);
        Assert.Equal("alice", FakeStatePayload.LabelOf(cache.Lookup(prompt, s_alice).State!));
    }

    [Fact]
    public void Lookup_SharedPrefix_IsReusedByEveryTenantButOnlyUpToTheSharedTokens()
    {
        using var cache = new TokenPrefixCache(Options());
        var system = Run(1, 20);
        cache.Insert(system, PrefixScope.Shared, new FakeStatePayload("system"));
        cache.Insert(Concat(system, Run(100, 20)), s_alice, new FakeStatePayload("alice"));

        var bob = cache.Lookup(Concat(system, Run(100, 20), Run(7, 1)), s_bob, sharedTokenCount: 20);
        Assert.Equal(20, bob.ReusableTokens);
        Assert.Equal("system", FakeStatePayload.LabelOf(bob.State!));
        Assert.Equal(PrefixScope.Shared, bob.Scope);

        // Without the shared mark, bob gets nothing; alice prefers her own longer state.
        Assert.False(cache.Lookup(Concat(system, Run(7, 1)), s_bob).IsHit);
        var alice = cache.Lookup(Concat(system, Run(100, 20), Run(7, 1)), s_alice, sharedTokenCount: 20);
        Assert.Equal(40, alice.ReusableTokens);
        Assert.Equal(s_alice, alice.Scope);
    }

    [Fact]
    public void Acquire_RestoreFails_DropsThatStateAndFallsBackToTheNextBest()
    {
        using var cache = new TokenPrefixCache(Options());
        cache.Insert(Run(1, 10), s_alice, new FakeStatePayload("short"));
        var broken = new FakeStatePayload("broken");
        cache.Insert(Run(1, 30), s_alice, broken);

        var lookup = cache.Acquire(Run(1, 40), s_alice, 0, (state, _, _) => FakeStatePayload.LabelOf(state) != "broken");

        Assert.Equal(10, lookup.ReusableTokens);
        Assert.True(broken.IsDisposed);
        Assert.Equal(1, cache.Statistics.Entries);
        Assert.Equal(30, cache.Statistics.MissTokens);
    }

    [Fact]
    public void Clear_DropsEveryStateButKeepsCounters()
    {
        using var cache = new TokenPrefixCache(Options());
        var state = new FakeStatePayload("a");
        cache.Insert(Run(1, 10), s_alice, state);
        cache.Lookup(Run(1, 12), s_alice);

        ((IPrefixCache)cache).Clear();

        Assert.True(state.IsDisposed);
        Assert.False(cache.Lookup(Run(1, 12), s_alice).IsHit);
        var stats = cache.Statistics;
        Assert.Equal(0, stats.Entries);
        Assert.Equal(0, stats.BytesHeld);
        Assert.Equal(10, stats.HitTokens);
    }

    [Fact]
    public void Options_Invalid_ThrowsNamingEverySetting()
    {
        var error = Assert.Throws<ArgumentException>(() => new TokenPrefixCache(new PrefixCacheOptions { MaxBytes = 0, MinimumPrefixTokens = 0, MaxDiskBytes = -1 }));

        Assert.Contains("MaxBytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("MinimumPrefixTokens", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxDiskBytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InsertAndLookup_ManyThreads_KeepCountersAndStructureConsistent()
    {
        const int Threads = 8;
        const int PerThread = 200;
        using var cache = new TokenPrefixCache(Options(maxBytes: 100 * 40));
        var shared = Run(1, 16);
        var reused = new long[Threads];

        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            var scope = PrefixScope.ForTenant("t" + (t % 3));
            for (var i = 0; i < PerThread; i++)
            {
                var prompt = Concat(shared, Run(10_000 * (t + 1), i % 25), Run(1_000_000 + i, 4));
                var lookup = cache.Lookup(prompt, scope);
                reused[t] += lookup.ReusableTokens;
                if (lookup.ReusableTokens > 0)
                {
                    // Whatever came back really is a prefix of this scope's prompt family.
                    Assert.True(lookup.StateTokens >= lookup.ReusableTokens);
                }

                cache.Insert(prompt, scope, new FakeStatePayload($"{t}-{i}"));
            }
        })));

        var stats = cache.Statistics;
        var expectedTokens = Enumerable.Range(0, Threads).Sum(_ => Enumerable.Range(0, PerThread).Sum(i => 16 + (i % 25) + 4));
        Assert.Equal(Threads * PerThread, stats.Lookups);
        Assert.Equal(expectedTokens, stats.HitTokens + stats.MissTokens);
        Assert.Equal(reused.Sum(), stats.HitTokens);
        Assert.True(stats.BytesHeld <= stats.MaxBytes);
        Assert.Equal(stats.Entries * 100L, stats.BytesHeld);
        Assert.Equal(stats.Insertions - stats.Evictions, stats.Entries);
    }
}
