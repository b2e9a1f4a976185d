using LLama.Native;

namespace Agents.Backends.Llama.Grammar;

/// <summary>
/// llama.cpp's grammar sampler over one checked <see cref="GbnfGrammar"/>, used two ways: to check a single candidate
/// token (cheap), and to mask a whole row of logits (about 3 ms over a 32k vocabulary), which is only done when the
/// candidate fails. Runs on the scheduler thread only.
/// </summary>
internal sealed class GrammarConstraint : IDisposable
{
    private readonly SafeLLamaSamplerChainHandle _sampler;
    private readonly LLamaTokenData[] _one = new LLamaTokenData[1];
    private LLamaTokenData[] _buffer = [];

    /// <param name="grammar">A grammar that passed <see cref="GbnfGrammar.Parse"/>: the only kind llama.cpp may see.</param>
    /// <param name="vocabulary">The model's vocabulary.</param>
    public GrammarConstraint(GbnfGrammar grammar, SafeLlamaModelHandle.Vocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        _sampler = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        _sampler.AddGrammar(vocabulary, grammar.Text, grammar.Root);
    }

    /// <summary>Gets how many times a whole row had to be masked (the candidate failed).</summary>
    public int FullMasks { get; private set; }

    /// <summary>Gets how many candidates were checked.</summary>
    public int Checks { get; private set; }

    /// <summary>Whether the grammar allows <paramref name="token"/> next.</summary>
    public bool Allows(LLamaToken token)
    {
        Checks++;
        _one[0] = new LLamaTokenData(token, 0f, 0f);
        Apply(_one, 1);
        return !float.IsNegativeInfinity(_one[0].Logit);
    }

    /// <summary>Checks several candidates at once; rejected ones get a logit of negative infinity.</summary>
    public void Filter(LLamaTokenData[] candidates, int count) => Apply(candidates, count);

    /// <summary>Sets the logit of every token the grammar forbids to negative infinity.</summary>
    /// <returns>How many tokens remain allowed.</returns>
    public int Mask(Span<float> logits)
    {
        FullMasks++;
        if (_buffer.Length < logits.Length)
        {
            _buffer = new LLamaTokenData[logits.Length];
        }

        var candidates = _buffer.AsSpan(0, logits.Length);
        for (var i = 0; i < logits.Length; i++)
        {
            candidates[i] = new LLamaTokenData((LLamaToken)i, 0f, 0f);
        }

        Apply(_buffer, logits.Length);
        var allowed = 0;
        foreach (ref readonly var candidate in candidates)
        {
            if (float.IsNegativeInfinity(candidate.Logit))
            {
                logits[(int)candidate.ID] = float.NegativeInfinity;
            }
            else
            {
                allowed++;
            }
        }

        return allowed;
    }

    /// <summary>Advances the grammar past <paramref name="token"/>, which must be one it allows (llama.cpp aborts otherwise).</summary>
    public void Accept(LLamaToken token) => _sampler.Accept(token);

    public void Dispose() => _sampler.Dispose();

    private void Apply(LLamaTokenData[] candidates, int count)
    {
        using var pin = LLamaTokenDataArrayNative.Create(new LLamaTokenDataArray(candidates.AsMemory(0, count)), out var native);
        native.Selected = -1;
        _sampler.Apply(ref native);
    }
}
