using Agents.Backends.Llama.Generation;
using LLama.Native;

namespace Agents.Backends.Llama.Grammar;

/// <summary>
/// Token selectors that honour a grammar the cheap way first: pick as if unconstrained, check that one token against
/// the grammar, and only when it fails choose among the allowed tokens (a set the matcher caches per grammar state).
/// Greedy gives exactly the masked argmax; sampling draws from the masked distribution whenever the free pick is
/// refused, as llama.cpp's own common sampler does.
/// </summary>
internal static class ConstrainedTokenSelector
{
    public static TokenSelector Greedy(GrammarConstraint grammar) => new GreedySelector(grammar);

    public static TokenSelector Chain(SafeLLamaSamplerChainHandle chain, GrammarConstraint grammar) => new ChainSelector(chain, grammar);

    private static InvalidRequestException DeadEnd() =>
        new InvalidRequestException("The grammar allows no token of this model's vocabulary at this point; generation cannot continue.")
        {
            Provider = LlamaGenerator.ProviderName,
            Parameter = nameof(GenerationOptions.ResponseFormat),
        };

    private sealed class GreedySelector(GrammarConstraint grammar) : TokenSelector
    {
        public override LLamaToken Select(SafeLLamaContextHandle context, int logitIndex)
        {
            var logits = context.GetLogitsIth(logitIndex);
            var best = (LLamaToken)Logits.ArgMax(logits);
            if (!grammar.Allows(best))
            {
                best = BestAllowed(logits);
            }

            grammar.Accept(best);
            return best;
        }

        // The masked argmax: the highest logit among the allowed tokens (the lowest id on a tie, as ArgMax).
        private LLamaToken BestAllowed(ReadOnlySpan<float> logits)
        {
            var allowed = grammar.AllowedTokens(out _);
            var best = -1;
            var bestLogit = float.NegativeInfinity;
            for (var word = 0; word < allowed.Length; word++)
            {
                var bits = allowed[word];
                while (bits != 0)
                {
                    var token = (word << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    if (token < logits.Length && (best < 0 || logits[token] > bestLogit))
                    {
                        best = token;
                        bestLogit = logits[token];
                    }
                }
            }

            return best < 0 ? throw DeadEnd() : (LLamaToken)best;
        }
    }

    private sealed class ChainSelector(SafeLLamaSamplerChainHandle chain, GrammarConstraint grammar) : TokenSelector
    {
        private LLamaTokenData[] _candidates = [];

        public override LLamaToken Select(SafeLLamaContextHandle context, int logitIndex)
        {
            var logits = context.GetLogitsIth(logitIndex);
            var token = SampleAll(logits);
            if (!grammar.Allows(token))
            {
                token = SampleAllowed(logits);
            }

            // What llama_sampler_sample does after choosing: the chain (penalties) and the grammar see the token.
            chain.Accept(token);
            grammar.Accept(token);
            return token;
        }

        // llama_sampler_sample without its accept: the chain picks from the row, nothing remembers the pick yet.
        private LLamaToken SampleAll(ReadOnlySpan<float> logits)
        {
            var candidates = Candidates(logits.Length);
            for (var i = 0; i < logits.Length; i++)
            {
                candidates[i] = new LLamaTokenData((LLamaToken)i, logits[i], 0f);
            }

            return Apply(logits.Length);
        }

        // The free pick was refused: the chain samples from the allowed tokens only (the masked distribution).
        private LLamaToken SampleAllowed(ReadOnlySpan<float> logits)
        {
            var allowed = grammar.AllowedTokens(out var count);
            var candidates = Candidates(count);
            var kept = 0;
            for (var word = 0; word < allowed.Length; word++)
            {
                var bits = allowed[word];
                while (bits != 0)
                {
                    var token = (word << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    if (token < logits.Length && kept < candidates.Length)
                    {
                        candidates[kept++] = new LLamaTokenData((LLamaToken)token, logits[token], 0f);
                    }
                }
            }

            return kept == 0 ? throw DeadEnd() : Apply(kept);
        }

        private LLamaTokenData[] Candidates(int count)
        {
            if (_candidates.Length < count)
            {
                _candidates = new LLamaTokenData[count];
            }

            return _candidates;
        }

        private LLamaToken Apply(int count)
        {
            using var pin = LLamaTokenDataArrayNative.Create(new LLamaTokenDataArray(_candidates.AsMemory(0, count)), out var native);
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
            base.Dispose();
        }
    }
}
