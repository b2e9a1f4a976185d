using LLama;
using LLama.Native;

namespace Agents.Backends.Llama.Grammar;

/// <summary>
/// A checked <see cref="GbnfGrammar"/> applied to one generation through the managed <see cref="GrammarMatcher"/>
/// (llama.cpp's grammar semantics, without its per-row cost): check a single candidate token (cheap), or get the whole
/// set of allowed tokens (cached per grammar state), which is only needed when the candidate fails. llama.cpp never
/// sees the grammar, so no grammar can take the process down. Runs on the scheduler thread only.
/// </summary>
internal sealed class GrammarConstraint : IDisposable
{
    private readonly GrammarMatcher _matcher;

    /// <param name="grammar">A grammar that passed <see cref="GbnfGrammar.Parse"/>.</param>
    /// <param name="weights">The model whose vocabulary the grammar constrains.</param>
    public GrammarConstraint(GbnfGrammar grammar, LLamaWeights weights)
        : this(grammar, GrammarVocabulary.For(weights))
    {
    }

    /// <param name="grammar">A grammar that passed <see cref="GbnfGrammar.Parse"/>.</param>
    /// <param name="vocabulary">The vocabulary the grammar constrains.</param>
    public GrammarConstraint(GbnfGrammar grammar, GrammarVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        _matcher = new GrammarMatcher(grammar.Compile(), vocabulary);
    }

    /// <summary>Gets how many times the whole set of allowed tokens was needed (the candidate failed).</summary>
    public int FullMasks { get; private set; }

    /// <summary>Gets how many candidates were checked.</summary>
    public int Checks { get; private set; }

    /// <summary>Gets how many allowed sets had to be computed rather than taken from the per-state cache.</summary>
    public int TrieWalks => _matcher.TrieWalks;

    /// <summary>Whether the grammar allows <paramref name="token"/> next.</summary>
    public bool Allows(LLamaToken token)
    {
        Checks++;
        return (uint)(int)token < (uint)_matcher.VocabularySize && _matcher.Allows((int)token);
    }

    /// <summary>The tokens the grammar allows next, as a bit set over the vocabulary (read-only).</summary>
    /// <param name="count">How many tokens are allowed.</param>
    public ReadOnlySpan<ulong> AllowedTokens(out int count)
    {
        FullMasks++;
        return _matcher.AllowedTokens(out count);
    }

    /// <summary>Sets the logit of every token the grammar forbids to negative infinity.</summary>
    /// <returns>How many tokens remain allowed.</returns>
    public int Mask(Span<float> logits)
    {
        var allowed = AllowedTokens(out var count);
        for (var i = 0; i < logits.Length; i++)
        {
            if (i >= _matcher.VocabularySize || (allowed[i >> 6] & (1UL << i)) == 0)
            {
                logits[i] = float.NegativeInfinity;
            }
        }

        return count;
    }

    /// <summary>Advances the grammar past <paramref name="token"/>, which must be one it allows.</summary>
    /// <exception cref="InvalidOperationException">The grammar does not allow the token.</exception>
    public void Accept(LLamaToken token) => _matcher.Accept((int)token);

    public void Dispose()
    {
    }
}
