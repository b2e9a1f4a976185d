using Agents.Backends.Llama.Grammar;
using LLama;
using LLama.Native;

namespace Agents.Backends.Llama.Generation;

/// <summary>Picks the next token from a row of logits: greedy in managed code, or llama.cpp's sampler chain.</summary>
internal abstract class TokenSelector : IDisposable
{
    /// <summary>The most recent tokens the repetition penalties look at.</summary>
    private const int PenaltyWindow = 64;

    /// <summary>Picks (and, for a sampler chain, accepts) the next token.</summary>
    public abstract LLamaToken Select(SafeLLamaContextHandle context, int logitIndex);

    public virtual void Dispose()
    {
    }

    /// <summary>Creates the selector the options ask for: greedy when no sampling or penalty is asked for; constrained by <paramref name="grammar"/> (which it then owns) when given.</summary>
    public static TokenSelector Create(GenerationOptions options, LLamaWeights weights, ReadOnlySpan<LLamaToken> prompt, GrammarConstraint? grammar = null)
    {
        var sampling = options.GetEffectiveDecoding().Kind == DecodingKind.Sampling;
        var penalised = options.RepetitionPenalty is { } r && r != 1f
            || options.FrequencyPenalty is { } f && f != 0f
            || options.PresencePenalty is { } p && p != 0f;
        if (!sampling && !penalised)
        {
            return grammar is null ? new GreedySelector() : ConstrainedTokenSelector.Greedy(grammar);
        }

        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        if (penalised)
        {
            chain.AddPenalties(PenaltyWindow, options.RepetitionPenalty ?? 1f, options.FrequencyPenalty ?? 0f, options.PresencePenalty ?? 0f);
        }

        if (sampling)
        {
            if (options.TopK is > 0 and var k)
            {
                chain.AddTopK(k);
            }

            if (options.TopP is { } topP and < 1f)
            {
                chain.AddTopP(topP, 1);
            }

            if (options.MinP is { } minP and > 0f)
            {
                chain.AddMinP(minP, 1);
            }

            chain.AddTemperature(options.Temperature ?? 1f);
            var seed = options.Seed is { } s ? unchecked((uint)s) : (uint)Random.Shared.Next();
            chain.AddDistributionSampler(seed);
        }
        else
        {
            chain.AddGreedySampler();
        }

        // The penalties look at the end of the prompt too, as llama.cpp's own server does.
        foreach (var token in prompt[Math.Max(0, prompt.Length - PenaltyWindow)..])
        {
            chain.Accept(token);
        }

        return grammar is null ? new ChainSelector(chain) : ConstrainedTokenSelector.Chain(chain, grammar);
    }

    private sealed class GreedySelector : TokenSelector
    {
        public override LLamaToken Select(SafeLLamaContextHandle context, int logitIndex) =>
            (LLamaToken)Logits.ArgMax(context.GetLogitsIth(logitIndex));
    }

    private sealed class ChainSelector(SafeLLamaSamplerChainHandle chain) : TokenSelector
    {
        public override LLamaToken Select(SafeLLamaContextHandle context, int logitIndex) => chain.Sample(context, logitIndex);

        public override void Dispose()
        {
            chain.Dispose();
            base.Dispose();
        }
    }
}
