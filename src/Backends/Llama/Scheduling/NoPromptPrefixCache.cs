using LLama;
using LLama.Native;

namespace Agents.Backends.Llama.Scheduling;

/// <summary>No prefix cache: every prompt is evaluated in full.</summary>
internal sealed class NoPromptPrefixCache : IPromptPrefixCache
{
    public static NoPromptPrefixCache Instance { get; } = new();

    public int Restore(LLamaContext context, LLamaSeqId sequence, ReadOnlySpan<LLamaToken> prompt, CacheHint? hint) => 0;

    public void OnPromptEvaluated(LLamaContext context, LLamaSeqId sequence, ReadOnlySpan<LLamaToken> prompt, CacheHint? hint)
    {
    }
}
