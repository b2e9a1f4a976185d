using Agents.Backends.Llama.Generation;
using LLama.Native;

namespace Agents.Backends.Llama.Grammar;

/// <summary>
/// Token selectors that honour a grammar the cheap way first: pick as if unconstrained, check that one token against
/// the grammar, and mask the whole vocabulary only when it fails. The result is the token the fully masked distribution
/// would give (greedy: exactly; sampling: drawn from the masked distribution whenever the free pick is refused).
/// </summary>
internal static class ConstrainedTokenSelector
{
    /// <summary>How many of the most likely tokens are checked as a block before the whole row is masked.</summary>
    private const int ShortlistSize = 256;

    public static TokenSelector Greedy(GrammarConstraint grammar) => new GreedySelector(grammar);

    public static TokenSelector Chain(SafeLLamaSamplerChainHandle chain, GrammarConstraint grammar) => new ChainSelector(chain, grammar);

    private static InvalidRequestException DeadEnd() =>
        new InvalidRequestException("The grammar allows no token of this model's vocabulary at this point; generation cannot continue.")
        {
            Provider = LlamaGenerator.ProviderName,
            Parameter = nameof(GenerationOptions.ResponseFormat),
        };

    private static void AcceptUnlessEnd(GrammarConstraint grammar, LLamaToken token, SafeLlamaModelHandle.Vocabulary? vocabulary)
    {
        // llama.cpp aborts when told to accept end-of-generation before the grammar is complete; the job ends there anyway.
        if (vocabulary is null || !token.IsEndOfGeneration(vocabulary))
        {
            grammar.Accept(token);
        }
    }

    // The count highest logits (unordered), by a single pass keeping the running minimum's slot.
private static void Shortlist(ReadOnlySpan<float> logits, LLamaTokenData[] shortlist, int count)
    {
        var minSlot = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            if (i < count)
            {
                shortlist[i] = new LLamaTokenData((LLamaToken)i, logits[i], 0f);
                if (i == count - 1)
                {
                    minSlot = MinSlot(shortlist, count);
                }

                continue;
            }

            if (logits[i] > shortlist[minSlot].Logit)
            {
                shortlist[minSlot] = new LLamaTokenData((LLamaToken)i, logits[i], 0f);
                minSlot = MinSlot(shortlist, count);
            }
        }
    }

private static int MinSlot(LLamaTokenData[] shortlist, int count)
    {
        var slot = 0;
        for (var j = 1; j < count; j++)
        {
            if (shortlist[j].Logit < shortlist[slot].Logit)
            {
                slot = j;
            }
        }

        return slot;
    }

    private sealed class GreedySelector(GrammarConstraint grammar) : TokenSelector
    {
        private readonly LLamaTokenData[] _shortlist = new LLamaTokenData[ShortlistSize];
        private SafeLlamaModelHandle.Vocabulary? _vocabulary;

        public override LLamaToken Select(SafeLLamaContextHandle context, int logitIndex)
        {
            _vocabulary ??= context.ModelHandle.Vocab;
            var logits = context.GetLogitsIth(logitIndex);
            var best = (LLamaToken)Logits.ArgMax(logits);
            if (!grammar.Allows(best))
            {
                best = BestAllowed(logits);
            }

            AcceptUnlessEnd(grammar, best, _vocabulary);
            return best;
        }

        private LLamaToken BestAllowed(Span<float> logits)
        {
            // The most likely tokens first, in one call: the best survivor is the masked argmax whenever any survives.
            var count = Math.Min(ShortlistSize, logits.Length);
            Shortlist(logits, _shortlist, count);
            grammar.Filter(_shortlist, count);
            var bestIndex = -1;
            for (var i = 0; i < count; i++)
            {
                if (!float.IsNegativeInfinity(_shortlist[i].Logit) && (bestIndex < 0 || _shortlist[i].Logit > _shortlist[bestIndex].Logit))
                {
                    bestIndex = i;
                }
            }

            if (bestIndex >= 0)
            {
                return _shortlist[bestIndex].ID;
            }

            if (grammar.Mask(logits) == 0)
            {
                throw DeadEnd();
            }

            return (LLamaToken)Logits.ArgMax(logits);
        }

        public override void Dispose()
        {
            grammar.Dispose();
            base.Dispose();
        }
    }

    private sealed class ChainSelector(SafeLLamaSamplerChainHandle chain, GrammarConstraint grammar) : TokenSelector
    {
        private readonly LLamaTokenData[] _shortlist = new LLamaTokenData[ShortlistSize];
        private LLamaTokenData[] _candidates = [];
        private SafeLlamaModelHandle.Vocabulary? _vocabulary;

        public override LLamaToken Select(SafeLLamaContextHandle context, int logitIndex)
        {
            _vocabulary ??= context.ModelHandle.Vocab;
            var logits = context.GetLogitsIth(logitIndex);
            var token = Sample(logits);
            if (!grammar.Allows(token))
            {
                if (SampleShortlist(logits) is { } shortlisted)
                {
                    token = shortlisted;
                }
                else
                {
                    if (grammar.Mask(logits) == 0)
                    {
                        throw DeadEnd();
                    }

                    token = Sample(logits);
                    if (float.IsNegativeInfinity(logits[(int)token]))
                    {
                        throw DeadEnd();
                    }
                }
            }

            // What llama_sampler_sample does after choosing: the chain (penalties) and the grammar see the token.
            chain.Accept(token);
            AcceptUnlessEnd(grammar, token, _vocabulary);
            return token;
        }

        // The free pick was refused: sample among the most likely tokens the grammar allows, if any is.
        private LLamaToken? SampleShortlist(ReadOnlySpan<float> logits)
        {
            var count = Math.Min(ShortlistSize, logits.Length);
            Shortlist(logits, _shortlist, count);
            grammar.Filter(_shortlist, count);
            var kept = 0;
            for (var i = 0; i < count; i++)
            {
                if (!float.IsNegativeInfinity(_shortlist[i].Logit))
                {
                    _shortlist[kept++] = new LLamaTokenData(_shortlist[i].ID, logits[(int)_shortlist[i].ID], 0f);
                }
            }

            if (kept == 0)
            {
                return null;
            }

            using var pin = LLamaTokenDataArrayNative.Create(new LLamaTokenDataArray(_shortlist.AsMemory(0, kept)), out var native);
            native.Selected = -1;
            chain.Apply(ref native);
            return native.Selected >= 0 && native.Selected < (long)native.Size ? native.Data[(int)native.Selected].ID : null;
        }

        // llama_sampler_sample without its accept: the chain picks from the row, nothing remembers the pick yet.
        private LLamaToken Sample(ReadOnlySpan<float> logits)
        {
            if (_candidates.Length < logits.Length)
            {
                _candidates = new LLamaTokenData[logits.Length];
            }

            for (var i = 0; i < logits.Length; i++)
            {
                _candidates[i] = new LLamaTokenData((LLamaToken)i, logits[i], 0f);
            }

            using var pin = LLamaTokenDataArrayNative.Create(new LLamaTokenDataArray(_candidates.AsMemory(0, logits.Length)), out var native);
            native.Selected = -1;
            chain.Apply(ref native);
            if (native.Selected < 0 || native.Selected >= (long)native.Size)
            {
                throw DeadEnd();
            }

            return native.Data[(int)native.Selected].ID;
        }

        public override void Dispose()
        {
            chain.Dispose();
            grammar.Dispose();
            base.Dispose();
        }
    }
}
