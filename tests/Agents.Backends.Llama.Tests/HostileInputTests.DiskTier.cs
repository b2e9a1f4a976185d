using Agents.Backends.Llama.Gguf;
using Agents.Backends.Llama.PrefixCache;
using Agents.Backends.Llama.Tests.Infrastructure;
using Agents.Backends.Llama.Tests.PrefixCache;
using Agents.Testing;
using static Agents.Backends.Llama.Tests.PrefixCache.PrefixCacheTestData;

namespace Agents.Backends.Llama.Tests;

/// <summary>
/// The prefix cache's disk tier in a folder it shares with other generators and other users (issue #17, item 7):
/// owner-only permissions, file names and headers tied to the content of the model and adapters, and no generator
/// ever overwriting or deleting another's files, temporary files in progress included.
/// </summary>
public sealed partial class HostileInputTests
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly LlamaModelShape s_identityShape = new(1, 64, 128, 2, 1, 512);
    private static readonly PrefixScope s_tenant = PrefixScope.ForTenant("tenant");

    [Fact]
    public void DiskTier_NewFolder_IsCreatedOwnerOnlyWithOwnerOnlyFiles()
    {
        using var root = new DiskTierFolder();
        var folder = Path.Combine(root.Path, "cache", "kv");

        using var cache = new TokenPrefixCache(Options(maxBytes: 150, disk: folder), Identity(1));
        SpillTwo(cache, "a");

        var file = Assert.Single(Directory.GetFiles(folder));
        AssertMode(folder, OwnerOnlyFolder);
        AssertMode(file, OwnerOnlyFile);
    }

    [Fact]
    public void DiskTier_ExistingFolderOpenToOthers_IsUsedAsItIsWithAWarningAndFilesStayOwnerOnly()
    {
        using var root = new DiskTierFolder();
        var folder = Path.Combine(root.Path, "shared");
        Directory.CreateDirectory(folder);
        var loose = OwnerOnlyFolder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, loose);
        }

        var logger = new CapturingLogger();
        using var cache = new TokenPrefixCache(Options(maxBytes: 150, disk: folder), Identity(1), logger);
        SpillTwo(cache, "a");

        AssertMode(Assert.Single(Directory.GetFiles(folder)), OwnerOnlyFile);
        if (!OperatingSystem.IsWindows())
        {
            // The user's folder is never chmod'ed behind their back; the warning tells them what to do.
            Assert.Equal(loose, File.GetUnixFileMode(folder));
            Assert.Contains(logger.Warnings, w => w.Contains("open to other users (mode 755)", StringComparison.Ordinal)
                && w.Contains("chmod 700", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void DiskTier_StateFileOpenToOthers_IsNeverHandedToLlama()
    {
        using var root = new DiskTierFolder();
        string file;
        using (var first = new TokenPrefixCache(Options(maxBytes: 150, disk: root.Path), Identity(1)))
        {
            SpillTwo(first, "a");
            file = Assert.Single(Directory.GetFiles(root.Path));
        }

        // A file this tier did not write owner-only: planted by another user in a folder they can write, or loosened.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        var logger = new CapturingLogger();
        using var restarted = new TokenPrefixCache(Options(maxBytes: 150, disk: root.Path), Identity(1), logger);

        var restores = 0;
        var lookup = restarted.Acquire(Concat(Run(1, 10), Run(9000, 3)), s_tenant, 0, (_, _, _) => ++restores > 0);
        if (OperatingSystem.IsWindows())
        {
            Assert.True(lookup.IsHit);
        }
        else
        {
            Assert.False(lookup.IsHit);
            Assert.Equal(0, restores);
            Assert.False(File.Exists(file));
            Assert.Contains(logger.Warnings, w => w.Contains("other users can access it (mode 644)", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void DiskTier_TwoFileTypesOfOneModelSharingAFolder_NeitherOverwritesNorDeletesTheOthersFiles()
    {
        using var root = new DiskTierFolder();
        var f32 = root.WriteModel("model-f32.gguf", GgufTensorType.F32, seed: 3);
        var f16 = root.WriteModel("model-f16.gguf", GgufTensorType.F16, seed: 3);
        var identityF32 = PrefixCacheIdentity.Compute(f32, flashAttention: false, []);
        var identityF16 = PrefixCacheIdentity.Compute(f16, flashAttention: false, []);
        var folder = Path.Combine(root.Path, "kv");

        // The same prompts in the same scope: before the identity was in the name, both wrote the same file names.
        using (var first = new TokenPrefixCache(Options(maxBytes: 150, disk: folder), identityF32))
        using (var second = new TokenPrefixCache(Options(maxBytes: 150, disk: folder), identityF16))
        {
            SpillTwo(first, "f32");
            SpillTwo(second, "f16");
            Assert.Equal(1, first.Statistics.DiskEntries);
            Assert.Equal(1, second.Statistics.DiskEntries);
            Assert.Equal(2, Directory.GetFiles(folder).Length);
        }

        // Each restarted cache finds its own state only, and clearing or evicting one never deletes the other's.
        using var f32Again = new TokenPrefixCache(Options(maxBytes: 150, disk: folder), identityF32);
        using var f16Again = new TokenPrefixCache(Options(maxBytes: 150, disk: folder, maxDisk: 1), identityF16);
        Assert.Equal(1, f32Again.Statistics.DiskEntries);
        Assert.Equal(0, f16Again.Statistics.DiskEntries); // its own file went over its 1-byte budget
        f16Again.Clear();
        Assert.Equal("f32-first", FakeStatePayload.LabelOf(f32Again.Lookup(Concat(Run(1, 10), Run(9000, 3)), s_tenant).State!));
        Assert.Single(Directory.GetFiles(folder), f => Path.GetFileName(f).StartsWith(identityF32.NamePrefix, StringComparison.Ordinal));
    }

    [Fact]
    public void DiskTier_TemporaryFilesOfOtherWriters_AreNeverDeletedButOwnStaleOnesAre()
    {
        using var root = new DiskTierFolder();
        var writer = new PrefixDiskTier(root.Path, Identity(1), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var absent = new PrefixDiskTier(root.Path, Identity(3), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        writer.Open();
        var inProgressPath = PrefixDiskTier.TemporaryPathFor(writer.PathFor(s_tenant, Run(1, 10)));
        var otherStale = PrefixDiskTier.TemporaryPathFor(absent.PathFor(s_tenant, Run(1, 10)));
        var ownStale = PrefixDiskTier.TemporaryPathFor(writer.PathFor(s_tenant, Run(50, 10)));
        File.WriteAllBytes(otherStale, new byte[10]);
        File.WriteAllBytes(ownStale, new byte[10]);
        var longAgo = DateTime.UtcNow - PrefixDiskTier.StaleTemporaryAge - TimeSpan.FromMinutes(5);
        File.SetLastWriteTimeUtc(otherStale, longAgo);
        File.SetLastWriteTimeUtc(ownStale, longAgo);

        // A write in progress: the temporary file is open and half written while other generators start on the folder.
        using (var inProgress = new FileStream(inProgressPath, PrefixStateFile.CreateOptions()))
        {
            inProgress.Write(new byte[64]);
            inProgress.Flush();

            using var otherModel = new TokenPrefixCache(Options(disk: root.Path), Identity(2));
            using var otherAdapters = new TokenPrefixCache(Options(disk: root.Path), Identity(1, adapters: 9));
            using var sameModel = new TokenPrefixCache(Options(disk: root.Path), Identity(1));

            Assert.True(File.Exists(inProgressPath));
            Assert.True(File.Exists(otherStale));
            Assert.False(File.Exists(ownStale));
        }

        Assert.NotEqual(PrefixDiskTier.TemporaryPathFor(writer.PathFor(s_tenant, Run(1, 10))), inProgressPath);
        Assert.Contains($".{Environment.ProcessId}-", Path.GetFileName(inProgressPath), StringComparison.Ordinal);
    }

    [Fact]
    public void DiskTier_FileUnderOurNameSavedWithOtherAdapters_IsIgnoredWithWarningAndLeftInPlace()
    {
        using var root = new DiskTierFolder();
        var ours = Identity(1);
        var theirs = Identity(1, adapters: 2);
        var logger = new CapturingLogger();
        using var cache = new TokenPrefixCache(Options(maxBytes: 150, disk: root.Path), ours, logger);
        SpillTwo(cache, "ours");
        var path = Assert.Single(Directory.GetFiles(root.Path));

        // Another generator's whole file lands under the name this cache indexed (before the identity was in the
        // name, any two generators saving the same prompt did this): the lookup must neither restore nor delete it.
        PrefixStateFile.Write(path, PrefixDiskTier.TemporaryPathFor(path), theirs, s_tenant, Run(1, 10), new FakeStatePayload("theirs").Bytes);
        var restores = 0;

        var lookup = cache.Acquire(Concat(Run(1, 10), Run(9000, 3)), s_tenant, 0, (_, _, _) => ++restores > 0);

        Assert.False(lookup.IsHit);
        Assert.Equal(0, restores);
        Assert.True(File.Exists(path));
        Assert.Equal(0, cache.Statistics.DiskEntries);
        Assert.Contains(logger.Warnings, w => w.Contains("its LoRA adapters identity is not this cache's", StringComparison.Ordinal)
            && w.Contains("left in place", StringComparison.Ordinal));

        // On the next start the file is checked whole, found intact, and again left alone.
        var restartLogger = new CapturingLogger();
        using var restarted = new TokenPrefixCache(Options(maxBytes: 150, disk: root.Path), ours, restartLogger);
        Assert.True(File.Exists(path));
        Assert.Equal(0, restarted.Statistics.DiskEntries);
        Assert.Contains(restartLogger.Warnings, w => w.Contains("left in place", StringComparison.Ordinal));
    }

    [Fact]
    public void Identity_SameVocabularyOtherWeights_SamePathSizeAndModificationTime_Differs()
    {
        using var root = new DiskTierFolder();
        var path = root.WriteModel("model.gguf", GgufTensorType.F16, seed: 1);
        var size = new FileInfo(path).Length;
        var written = File.GetLastWriteTimeUtc(path);
        var first = PrefixCacheIdentity.Compute(path, flashAttention: false, []);

        root.WriteModel("model.gguf", GgufTensorType.F16, seed: 2);
        File.SetLastWriteTimeUtc(path, written);
        var second = PrefixCacheIdentity.Compute(path, flashAttention: false, []);

        Assert.Equal(size, new FileInfo(path).Length);
        Assert.Equal("model", first.Difference(second));
        Assert.NotEqual(first.NamePrefix, second.NamePrefix);
    }

    [Fact]
    public void Identity_TwoFileTypesOfOneModel_DifferAndACopyElsewhereIsTheSame()
    {
        using var root = new DiskTierFolder();
        var f32 = root.WriteModel("model-f32.gguf", GgufTensorType.F32, seed: 1);
        var f16 = root.WriteModel("model-f16.gguf", GgufTensorType.F16, seed: 1);
        var copy = Path.Combine(root.Path, "copy", "renamed.gguf");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.Copy(f16, copy);

        var identityF32 = PrefixCacheIdentity.Compute(f32, flashAttention: false, []);
        var identityF16 = PrefixCacheIdentity.Compute(f16, flashAttention: false, []);

        Assert.Equal("model", identityF32.Difference(identityF16));
        Assert.Equal(identityF16.Key, PrefixCacheIdentity.Compute(copy, flashAttention: false, []).Key);
    }

    [Fact]
    public void Identity_AdaptersContentOrderAndScale_AllCount()
    {
        using var root = new DiskTierFolder();
        var a = Path.Combine(root.Path, "a.gguf");
        var b = Path.Combine(root.Path, "b.gguf");
        LoraAdapterFile.Write(a, seed: 1, magnitude: 1f);
        LoraAdapterFile.Write(b, seed: 2, magnitude: 1f);
        byte[] Of(params (string, float)[] adapters) => PrefixCacheIdentity.AdapterIdentity(adapters);
        var before = Of((a, 1f));
        var written = File.GetLastWriteTimeUtc(a);

        // Replaced in place by another adapter of the same size, modification time put back: still told apart.
        File.Copy(b, a, overwrite: true);
        File.SetLastWriteTimeUtc(a, written);

        Assert.NotEqual(before, Of((a, 1f)));
        Assert.Equal(Of((b, 1f)), Of((a, 1f)));
        LoraAdapterFile.Write(a, seed: 1, magnitude: 1f);
        Assert.Equal(before, Of((a, 1f)));
        Assert.NotEqual(Of((a, 1f), (b, 1f)), Of((b, 1f), (a, 1f)));
        Assert.NotEqual(Of((a, 1f)), Of((a, 0.5f)));
        Assert.NotEqual(Of(), Of((a, 0f)));
    }

    [Fact]
    public async Task DiskTier_BaseAndLoraGeneratorsSharingAFolder_EachRestoresOnlyItsOwnStatesWithColdOutput()
    {
        using var root = new DiskTierFolder();
        var folder = Path.Combine(root.Path, "kv");
        var adapter = Path.Combine(root.Path, "adapter.gguf");
        LoraAdapterFile.Write(adapter, seed: 7, magnitude: 4f);
        var plain = DiskTierModelOptions(null);
        var withAdapter = DiskTierModelOptions(adapter);
        var requests = Enumerable.Range(0, 4).Select(DiskTierRequest).ToArray();
        var cold = new Dictionary<LlamaModelOptions, string[]>();
        foreach (var options in new[] { plain, withAdapter })
        {
            using var uncached = new LlamaGenerator(options);
            cold[options] = [.. await Task.WhenAll(requests.Select(async r => (await uncached.GenerateAsync(r)).Text))];
        }

        Assert.NotEqual(cold[plain], cold[withAdapter]);

        // Both generators run the same prompts at the same time over one folder; a small budget spills states to it.
        var identities = new Dictionary<LlamaModelOptions, PrefixCacheIdentity>();
        var spilled = new Dictionary<LlamaModelOptions, int>();
        {
            using var plainRun = DiskTierGenerator(plain, folder, out var plainCache);
            using var adapterRun = DiskTierGenerator(withAdapter, folder, out var adapterCache);
            foreach (var request in requests)
            {
                await Task.WhenAll(plainRun.GenerateAsync(request), adapterRun.GenerateAsync(request));
            }

            (identities[plain], identities[withAdapter]) = (plainCache.DiskIdentity!, adapterCache.DiskIdentity!);
            (spilled[plain], spilled[withAdapter]) = (plainCache.Statistics.DiskEntries, adapterCache.Statistics.DiskEntries);
        }

        Assert.Equal("LoRA adapters", identities[plain].Difference(identities[withAdapter]));
        Assert.True(spilled[plain] > 0 && spilled[withAdapter] > 0, $"spilled {spilled[plain]} and {spilled[withAdapter]}");
        Assert.Equal(spilled[plain] + spilled[withAdapter], Directory.GetFiles(folder).Length);

        // Restarted, each finds exactly its own files, restores from them with cold output, and clearing one leaves the other.
        foreach (var options in new[] { withAdapter, plain })
        {
            using var restarted = DiskTierGenerator(options, folder, out var cache);
            Assert.Equal(spilled[options], cache.Statistics.DiskEntries);
            var results = await Task.WhenAll(requests.Select(r => restarted.GenerateAsync(r)));
            Assert.Equal(cold[options], results.Select(r => r.Text));
            Assert.Contains(results, r => r.Usage!.CachedPromptTokens > 0);
            cache.Clear();
            Assert.Equal(options == withAdapter ? spilled[plain] : 0, Directory.GetFiles(folder).Length);
            Assert.All(Directory.GetFiles(folder), f => Assert.DoesNotContain(identities[options].NamePrefix, Path.GetFileName(f), StringComparison.Ordinal));
        }
    }

    [Fact]
    public void DiskTier_ModelFileGoneAfterLoad_GeneratorThrowsModelLoadException()
    {
        using var root = new DiskTierFolder();
        var copy = Path.Combine(root.Path, "loaded-then-removed.gguf");
        File.Copy(TestModel.Path, copy);
        var options = DiskTierModelOptions(null);
        options.Load.ModelPath = copy;
        options.PrefixCache = new PrefixCacheOptions { DiskDirectory = Path.Combine(root.Path, "kv") };
        using var model = LlamaModel.Load(options);

        if (OperatingSystem.IsWindows())
        {
            // A mapped file cannot be deleted there, so the identity is always computed from the file that was loaded.
            Assert.Throws<IOException>(() => File.Delete(copy));
            using var generator = new LlamaGenerator(model);
            Assert.NotNull(generator.GetService<IPrefixCache>());
            return;
        }

        File.Delete(copy);

        var error = Assert.Throws<ModelLoadException>(() => new LlamaGenerator(model));

        Assert.Equal(copy, error.Path);
        Assert.Contains("prefix cache's disk files", error.Reason, StringComparison.Ordinal);
    }

    private static LlamaModelOptions DiskTierModelOptions(string? adapter)
    {
        var options = GeneratorFixture.CreateOptions();
        options.Load.ContextSize = 1024;
        options.Scheduling.MaxConcurrentSequences = 2;
        options.Load.FlashAttention = false;
        if (adapter is not null)
        {
            options.Load.LoraAdapters = [new LlamaLoraAdapterOptions { Path = adapter }];
        }

        return options;
    }

    private static GenerationRequest DiskTierRequest(int i) => new(
        [Message.System($"Disk tier test {i}: " + string.Join(' ', Enumerable.Repeat($"instruction {i}", 12))), Message.User("Answer.")],
        new GenerationOptions { MaxTokens = 4, Temperature = 0 });

    /// <summary>A generator over the seam that saves every evaluated prompt, keyed the way the public constructor keys it.</summary>
    private static LlamaGenerator DiskTierGenerator(LlamaModelOptions options, string folder, out TokenPrefixCache cache)
    {
        var model = LlamaModel.Load(options);
        cache = new TokenPrefixCache(
            new PrefixCacheOptions { MaxBytes = 6_000, MinimumPrefixTokens = 8, DiskDirectory = folder },
            PrefixCacheIdentity.Compute(model, model.Options));
        return new LlamaGenerator(model, ownsModel: true, timeProvider: null, cache);
    }

    /// <summary>Inserts two 10-token states under a 150-byte budget: the first is spilled to disk.</summary>
    private static void SpillTwo(TokenPrefixCache cache, string label)
    {
        cache.Insert(Run(1, 10), s_tenant, new FakeStatePayload(label + "-first"));
        cache.Insert(Run(100, 10), s_tenant, new FakeStatePayload(label + "-second"));
    }

    private static void AssertMode(string path, UnixFileMode expected)
    {
        if (OperatingSystem.IsWindows())
        {
            // No mode bits: files inherit the folder's ACL (docs/prefix-cache.md).
            Assert.True(Path.Exists(path));
            return;
        }

        Assert.Equal(expected, File.GetUnixFileMode(path));
    }

    /// <summary>A temporary folder (created owner-only by the runtime) with helpers to write model files into it.</summary>
    private sealed class DiskTierFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("agents-disk-tier-").FullName;

        public string WriteModel(string name, GgufTensorType type, int seed)
        {
            var path = System.IO.Path.Combine(Path, name);
            RandomLlamaModelWriter.Write(path, s_identityShape, TestModel.Path, type, seed);
            return path;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
