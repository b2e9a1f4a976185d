using Agents.Backends.Llama.PrefixCache;
using static Agents.Backends.Llama.Tests.PrefixCache.PrefixCacheTestData;

namespace Agents.Backends.Llama.Tests.PrefixCache;

public sealed class PrefixDiskTierTests : IDisposable
{
    private static readonly PrefixScope s_alice = PrefixScope.ForTenant("alice");
    private static readonly PrefixCacheIdentity s_model = Identity(7);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "prefix-cache-tests-" + Guid.NewGuid().ToString("N"));
    private readonly int[] _first = Run(1, 10);
    private readonly int[] _second = Run(100, 10);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void Lookup_StateEvictedToDisk_ComesBackByteForByte()
    {
        using var cache = CreateCache();
        cache.Insert(_first, s_alice, new FakeStatePayload("first"));
        cache.Insert(_second, s_alice, new FakeStatePayload("second"));
        Assert.Equal(1, cache.Statistics.DiskEntries);

        var lookup = cache.Lookup(Concat(_first, Run(9000, 3)), s_alice);

        Assert.Equal(10, lookup.ReusableTokens);
        Assert.Equal(new FakeStatePayload("first").Bytes.ToArray(), lookup.State!.Bytes.ToArray());
        Assert.Equal(1, cache.Statistics.Entries);
    }

    [Fact]
    public void Open_AfterRestart_FindsStatesSavedByTheSameModel()
    {
        SpillFirstState();

        using var restarted = CreateCache();

        Assert.Equal(1, restarted.Statistics.DiskEntries);
        var lookup = restarted.Lookup(Concat(_first, Run(9000, 3)), s_alice);
        Assert.Equal("first", FakeStatePayload.LabelOf(lookup.State!));
        Assert.False(restarted.Lookup(Concat(_first, Run(9000, 3)), PrefixScope.ForTenant("bob")).IsHit);
    }

    [Fact]
    public void Lookup_CorruptedPayload_IsIgnoredWithWarningAndNeverRestored()
    {
        var file = SpillFirstState();
        var bytes = File.ReadAllBytes(file);
        bytes[^5] ^= 0xFF;
        File.WriteAllBytes(file, bytes);
        var logger = new CapturingLogger();
        using var cache = CreateCache(logger);
        var restores = 0;

        var lookup = cache.Acquire(Concat(_first, Run(9000, 3)), s_alice, 0, (_, _, _) => ++restores > 0);

        Assert.False(lookup.IsHit);
        Assert.Equal(0, restores);
        Assert.Contains(logger.Warnings, w => w.Contains("checksum", StringComparison.Ordinal));
        Assert.False(File.Exists(file));
        Assert.Equal(0, cache.Statistics.DiskEntries);
    }

    [Fact]
    public void Open_TruncatedFile_IsIgnoredWithWarningAndDeleted()
    {
        var file = SpillFirstState();
        using (var stream = new FileStream(file, FileMode.Open))
        {
            stream.SetLength(stream.Length - 40);
        }

        var logger = new CapturingLogger();
        using var cache = CreateCache(logger);

        Assert.False(cache.Lookup(Concat(_first, Run(9000, 3)), s_alice).IsHit);
        Assert.Contains(logger.Warnings, w => w.Contains("truncated", StringComparison.Ordinal));
        Assert.False(File.Exists(file));
    }

    [Fact]
    public void Open_FileOfAnotherModel_IsNotReadAndLeftAlone()
    {
        var file = SpillFirstState();
        var logger = new CapturingLogger();

        using var cache = new TokenPrefixCache(Options(maxBytes: 150, disk: _directory), Identity(8), logger);

        Assert.False(cache.Lookup(Concat(_first, Run(9000, 3)), s_alice).IsHit);
        Assert.True(File.Exists(file));
        Assert.Equal(0, cache.Statistics.DiskEntries);
        Assert.Contains(logger.Entries, e => e.Message.Contains("1 files of other models", StringComparison.Ordinal));
    }

    [Fact]
    public void Open_OwnStaleTemporaryFileAndGarbage_AreDeletedWithWarnings()
    {
        Directory.CreateDirectory(_directory);
        var temporary = Path.Combine(_directory, s_model.NamePrefix + "-abc.1-2" + PrefixStateFile.TemporaryExtension);
        var garbage = Path.Combine(_directory, s_model.NamePrefix + "-def" + PrefixStateFile.Extension);
        File.WriteAllBytes(temporary, new byte[300]);
        File.SetLastWriteTimeUtc(temporary, DateTime.UtcNow - PrefixDiskTier.StaleTemporaryAge - TimeSpan.FromMinutes(1));
        File.WriteAllBytes(garbage, new byte[300]);
        var logger = new CapturingLogger();

        using var cache = CreateCache(logger);

        Assert.False(File.Exists(temporary));
        Assert.False(File.Exists(garbage));
        Assert.Equal(2, logger.Warnings.Count(w => w.Contains("deleted", StringComparison.Ordinal)));
        Assert.Equal(0, cache.Statistics.DiskEntries);
    }

    [Fact]
    public void Write_FileName_StartsWithTheIdentityAndHeaderHoldsItInFull()
    {
        var file = SpillFirstState();
        var bytes = File.ReadAllBytes(file);

        Assert.StartsWith(s_model.NamePrefix + "-", Path.GetFileName(file), StringComparison.Ordinal);
        Assert.Equal(16, s_model.NamePrefix.Length);
        Assert.Equal(PrefixStateFile.HeaderSize + (4 * _first.Length) + 100, bytes.Length);
        Assert.Equal(s_model.Model, bytes[12..44]);
        Assert.Equal(s_model.Adapters, bytes[44..76]);
        Assert.Equal(s_model.Settings, bytes[76..108]);
        Assert.True(PrefixStateFile.IsIntact(file));
    }

    [Fact]
    public void Open_HeaderIdentityFlippedUnderOurName_ChecksumCatchesItAndFileIsDeleted()
    {
        var file = SpillFirstState();
        var bytes = File.ReadAllBytes(file);
        bytes[20] ^= 0x01; // inside the model identity: the header no longer names this model, and the checksum breaks
        File.WriteAllBytes(file, bytes);
        var logger = new CapturingLogger();

        using var cache = CreateCache(logger);

        Assert.False(File.Exists(file));
        Assert.Contains(logger.Warnings, w => w.Contains("corrupted", StringComparison.Ordinal));
        Assert.Equal(0, cache.Statistics.DiskEntries);
    }

    [Fact]
    public void Evict_OverDiskBudget_DeletesLeastRecentlyUsedFiles()
    {
        // Each file is 184 + 40 + 100 = 324 bytes: room for two.
        using var cache = new TokenPrefixCache(Options(maxBytes: 100, disk: _directory, maxDisk: 700), s_model);
        for (var i = 0; i < 5; i++)
        {
            cache.Insert(Run(1000 * (i + 1), 10), s_alice, new FakeStatePayload("s" + i));
        }

        var stats = cache.Statistics;
        Assert.Equal(2, stats.DiskEntries);
        Assert.Equal(648, stats.DiskBytes);
        Assert.Equal(2, Directory.GetFiles(_directory).Length);
        Assert.False(cache.Lookup(Run(1000, 10), s_alice).IsHit);
        Assert.True(cache.Lookup(Run(4000, 10), s_alice).IsHit);
    }

    [Fact]
    public void Constructor_DiskTierWithoutModelIdentity_Throws() =>
        Assert.Throws<ArgumentException>(() => new TokenPrefixCache(Options(disk: _directory)));

    private TokenPrefixCache CreateCache(CapturingLogger? logger = null) =>
        new(Options(maxBytes: 150, disk: _directory), s_model, logger);

    private string SpillFirstState()
    {
        using (var cache = CreateCache())
        {
            cache.Insert(_first, s_alice, new FakeStatePayload("first"));
            cache.Insert(_second, s_alice, new FakeStatePayload("second"));
        }

        return Assert.Single(Directory.GetFiles(_directory));
    }
}
