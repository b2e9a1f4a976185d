using Agents.Backends.Llama.Grammar;
using LLama;
using LLama.Native;

namespace Agents.Backends.Llama.Tests.Grammar;

/// <summary>llama.cpp's own grammar sampler (through LLamaSharp), the reference the managed matcher is compared with.</summary>
internal sealed class LlamaGrammarOracle : IDisposable
{
    private readonly SafeLLamaSamplerChainHandle _sampler;
    private readonly LLamaTokenData[] _candidates;

    public LlamaGrammarOracle(GbnfGrammar grammar, LLamaWeights weights)
    {
        // Only grammars that passed GbnfGrammar.Parse reach here: an invalid one would kill the test process.
        _sampler = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        _sampler.AddGrammar(weights.Vocab, grammar.Text, grammar.Root);
        _candidates = new LLamaTokenData[weights.Vocab.Count];
    }

    /// <summary>Every token llama.cpp allows next, in ascending order.</summary>
    public List<int> Allowed()
    {
        for (var i = 0; i < _candidates.Length; i++)
        {
            _candidates[i] = new LLamaTokenData((LLamaToken)i, 0f, 0f);
        }

        using (LLamaTokenDataArrayNative.Create(new LLamaTokenDataArray(_candidates.AsMemory()), out var native))
        {
            native.Selected = -1;
            _sampler.Apply(ref native);
        }

        return [.. _candidates.Where(c => !float.IsNegativeInfinity(c.Logit)).Select(c => (int)c.ID).Order()];
    }

    public void Accept(int token) => _sampler.Accept((LLamaToken)token);

    public void Dispose() => _sampler.Dispose();
}
