using Agents.Backends.Llama.Scheduling;
using Agents.Backends.Llama.Tests.Infrastructure;
using LLama;
using LLama.Native;

namespace Agents.Backends.Llama.Tests.Scheduling;

public sealed class PromptPrefixCacheSeamTests
{
    private sealed class RecordingCache(int claim) : IPromptPrefixCache
    {
        public List<int> Restored { get; } = [];

        public List<int> Evaluated { get; } = [];

        public int Restore(LLamaContext context, LLamaSeqId sequence, ReadOnlySpan<LLamaToken> prompt, CacheHint? hint)
        {
            Restored.Add(prompt.Length);
            return claim;
        }

        public void OnPromptEvaluated(LLamaContext context, LLamaSeqId sequence, ReadOnlySpan<LLamaToken> prompt, CacheHint? hint) =>
            Evaluated.Add(prompt.Length);
    }

    private static LlamaGenerator Create(IPromptPrefixCache cache) =>
        new(LlamaModel.Load(GeneratorFixture.CreateOptions()), ownsModel: true, timeProvider: null, cache);

    [Fact]
    public async Task Seam_IsAskedBeforeAndToldAfterPromptEvaluation()
    {
        var cache = new RecordingCache(claim: 0);
        using var generator = Create(cache);

        var result = await generator.GenerateAsync("Hello seam", new GenerationOptions { MaxTokens = 3 });

        Assert.Equal([result.Usage!.PromptTokens], cache.Restored);
        Assert.Equal([result.Usage.PromptTokens], cache.Evaluated);
        Assert.Equal(0, result.Usage.CachedPromptTokens);
    }

    [Fact]
    public async Task Seam_ClaimedTokens_AreReportedAsCachedAndTheLastTokenIsAlwaysEvaluated()
    {
        var cache = new RecordingCache(claim: 10_000);
        using var generator = Create(cache);

        var result = await generator.GenerateAsync("Hello seam", new GenerationOptions { MaxTokens = 3 });

        Assert.Equal(result.Usage!.PromptTokens - 1, result.Usage.CachedPromptTokens);
        Assert.Single(cache.Evaluated);
    }
}
