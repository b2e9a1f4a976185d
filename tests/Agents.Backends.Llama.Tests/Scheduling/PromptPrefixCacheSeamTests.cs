using Agents.Backends.Llama.PrefixCache;
using Agents.Backends.Llama.Tests.Infrastructure;

namespace Agents.Backends.Llama.Tests.Scheduling;

/// <summary>The saved-state seam of the KV-cache policy, driven by the real scheduler: asked before, told after prompt evaluation.</summary>
public sealed class PromptPrefixCacheSeamTests
{
    private sealed class RecordingTier(int claim) : ISavedStateTier
    {
        public List<int> Looked { get; } = [];

        public List<int> Saved { get; } = [];

        public PrefixCacheLookup Acquire(ReadOnlySpan<int> tokens, PrefixScope scope, int sharedTokenCount, PrefixStateRestorer restore, int maxStateTokens)
        {
            Looked.Add(tokens.Length + 1);
            return new PrefixCacheLookup { ReusableTokens = claim };
        }

        public void CountLookup(PrefixScope scope, int reusedTokens, int lookedUpTokens)
        {
        }

        public bool IsCovered(ReadOnlySpan<int> tokens, PrefixScope scope) => false;

        public bool Insert(ReadOnlySpan<int> tokens, PrefixScope scope, IPrefixStatePayload state, long? lastUsed = null)
        {
            Saved.Add(tokens.Length);
            (state as IDisposable)?.Dispose();
            return true;
        }
    }

    private static LlamaGenerator Create(ISavedStateTier tier) =>
        new(LlamaModel.Load(GeneratorFixture.CreateOptions()), ownsModel: true, timeProvider: null, tier);

    [Fact]
    public async Task Seam_IsAskedBeforeAndToldAfterPromptEvaluation()
    {
        var tier = new RecordingTier(claim: 0);
        using var generator = Create(tier);

        var result = await generator.GenerateAsync("Hello seam", new GenerationOptions { MaxTokens = 3 });

        Assert.Equal([result.Usage!.PromptTokens], tier.Looked);
        Assert.Equal([result.Usage.PromptTokens], tier.Saved);
        Assert.Equal(0, result.Usage.CachedPromptTokens);
    }

    [Fact]
    public async Task Seam_ClaimedTokens_AreReportedAsCachedAndTheLastTokenIsAlwaysEvaluated()
    {
        var tier = new RecordingTier(claim: 10_000);
        using var generator = Create(tier);

        var result = await generator.GenerateAsync("Hello seam", new GenerationOptions { MaxTokens = 3 });

        Assert.Equal(result.Usage!.PromptTokens - 1, result.Usage.CachedPromptTokens);
        Assert.Single(tier.Saved);
    }
}
