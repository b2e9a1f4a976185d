using Agents.Backends.Llama.KvCache;
using Agents.Backends.Llama.PrefixCache;

namespace Agents.Backends.Llama.Tests.KvCache;

public sealed class ResidentPrefixesTests
{
    private static readonly PrefixScope TenantA = PrefixScope.ForTenant("A");
    private static readonly PrefixScope TenantB = PrefixScope.ForTenant("B");

    private static int[] Tokens(int count, int offset = 0) => [.. Enumerable.Range(offset, count)];

    private static ResidentPrefix Entry(int sequence, int[] tokens, PrefixScope? scope = null, int shared = 0) =>
        new(sequence, tokens, new KvRequest(tokens, scope ?? TenantA, shared, Hint: null, SequenceCount: 1, ReservedCells: tokens.Length));

    [Fact]
    public void FindLongest_PicksTheEntrySharingTheMostTokensWithinTheScope()
    {
        var resident = new ResidentPrefixes(minimumTokens: 4, bytesPerCell: 1);
        var prompt = Tokens(50);
        var shorter = Entry(0, Tokens(20));
        var longer = Entry(1, [.. Tokens(30), .. Tokens(10, offset: 900)]);
        var otherTenant = Entry(2, Tokens(50), TenantB);
        Assert.True(resident.TryAdd(shorter));
        Assert.True(resident.TryAdd(longer));
        Assert.True(resident.TryAdd(otherTenant));

        var match = resident.FindLongest(prompt, TenantA, sharedTokens: 0);

        Assert.NotNull(match);
        Assert.Same(longer, match.Value.Entry);
        Assert.Equal(30, match.Value.Length);
    }

    [Fact]
    public void FindLongest_AcrossTenants_ReusesOnlyTokensBothMarkedShared()
    {
        var resident = new ResidentPrefixes(minimumTokens: 4, bytesPerCell: 1);
        resident.TryAdd(Entry(0, Tokens(40), TenantB, shared: 12));

        Assert.Null(resident.FindLongest(Tokens(40), TenantA, sharedTokens: 0));
        Assert.Equal(12, resident.FindLongest(Tokens(40), TenantA, sharedTokens: 25)!.Value.Length);
        Assert.Equal(8, resident.FindLongest(Tokens(40), TenantA, sharedTokens: 8)!.Value.Length);
        Assert.Null(resident.FindLongest(Tokens(40), TenantA, sharedTokens: 3));
    }

    [Fact]
    public void LeastRecentlyUsed_FollowsReuse_AndClearDropsEverythingAtOnce()
    {
        var resident = new ResidentPrefixes(minimumTokens: 4, bytesPerCell: 1);
        var first = Entry(0, Tokens(10));
        var second = Entry(1, Tokens(10, offset: 100));
        resident.TryAdd(first);
        resident.TryAdd(second);
        Assert.Same(first, resident.LeastRecentlyUsed());

        Assert.True(resident.TryTouch(first));
        Assert.Same(second, resident.LeastRecentlyUsed());
        Assert.Same(first, resident.LeastRecentlyUsed(except: second));
        Assert.Equal(1, first.Hits);

        resident.Clear();
        Assert.Equal(0, resident.Count);
        Assert.Equal(2, resident.SequencesHeld);
        Assert.Null(resident.FindLongest(Tokens(10), TenantA, 0));
        Assert.False(resident.TryTouch(first));
        Assert.Equal([0, 1], resident.TakeCleared().Order());
        Assert.Equal(0, resident.SequencesHeld);
    }

    [Fact]
    public void TryAdd_ShorterThanTheMinimum_IsRefused()
    {
        var resident = new ResidentPrefixes(minimumTokens: 16, bytesPerCell: 1);

        Assert.False(resident.TryAdd(Entry(0, Tokens(15))));
        Assert.Equal(0, resident.Count);
    }
}
