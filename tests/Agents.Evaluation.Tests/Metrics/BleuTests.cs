namespace Agents.Evaluation.Tests.Metrics;

public sealed class BleuTests
{
    // The examples of NLTK's bleu_score documentation (Papineni et al.'s "guide to action" sentence).
    private static readonly string[] s_hypothesis1 = "It is a guide to action which ensures that the military always obeys the commands of the party".Split(' ');
    private static readonly string[] s_reference1A = "It is a guide to action that ensures that the military will forever heed Party commands".Split(' ');
    private static readonly string[] s_reference1B = "It is the guiding principle which guarantees the military forces always being under the command of the Party".Split(' ');
    private static readonly string[] s_reference1C = "It is the practical guide for the army always to heed the directions of the party".Split(' ');
    private static readonly string[] s_hypothesis2 = "he read the book because he was interested in world history".Split(' ');
    private static readonly string[] s_reference2A = "he was interested in world history because he read the book".Split(' ');

    [Fact]
    public void Sentence_PublishedNltkExample_Is0_5046()
    {
        var score = Bleu.Sentence(s_hypothesis1, [s_reference1A, s_reference1B, s_reference1C]);

        Assert.Equal(0.5045666840058485, score.Score, 10);
        Assert.Equal(17.0 / 18, score.Precisions[0], 12);
        Assert.Equal(1, score.BrevityPenalty);
    }

    [Fact]
    public void Corpus_PublishedNltkExample_Is0_5921()
    {
        var score = Bleu.Corpus([s_hypothesis1, s_hypothesis2], [[s_reference1A, s_reference1B, s_reference1C], [s_reference2A]]);

        Assert.Equal(0.5920778868801042, score.Score, 10);
        Assert.Equal(28.0 / 29, score.Precisions[0], 12);
    }

    [Fact]
    public void Corpus_IsNotTheMeanOfSentenceScores()
    {
        var corpus = Bleu.Corpus([s_hypothesis1, s_hypothesis2], [[s_reference1A, s_reference1B, s_reference1C], [s_reference2A]]).Score;
        var mean = (Bleu.Sentence(s_hypothesis1, [s_reference1A, s_reference1B, s_reference1C]).Score + Bleu.Sentence(s_hypothesis2, [s_reference2A]).Score) / 2;

        Assert.NotEqual(mean, corpus, 3);
    }

    [Fact]
    public void Sentence_NoFourGramMatch_IsZeroWithoutSmoothing()
    {
        // p1 = 5/6, p2 = 3/5, p3 = 1/4, p4 = 0/3.
        var score = Bleu.Sentence("the cat sat on the mat", ["the cat is on the mat"]);

        Assert.Equal(0, score.Score);
        Assert.Equal([5.0 / 6, 3.0 / 5, 1.0 / 4, 0], score.Precisions);
    }

    [Fact]
    public void Sentence_EpsilonSmoothing_MatchesHandComputed()
    {
        // p4 becomes 0.1 / 3: BLEU = (5/6 · 3/5 · 1/4 · 1/30)^(1/4) = (1/240)^(1/4).
        var score = Bleu.Sentence("the cat sat on the mat", ["the cat is on the mat"], new BleuOptions { Smoothing = BleuSmoothing.Epsilon });

        Assert.Equal(Math.Pow(1.0 / 240, 0.25), score.Score, 12);
    }

    [Fact]
    public void Sentence_AddOneSmoothing_MatchesHandComputed()
    {
        // p1 = 5/6; p2 = 4/6; p3 = 2/5; p4 = 1/4: product 1/18.
        var score = Bleu.Sentence("the cat sat on the mat", ["the cat is on the mat"], new BleuOptions { Smoothing = BleuSmoothing.AddOne });

        Assert.Equal(Math.Pow(1.0 / 18, 0.25), score.Score, 12);
    }

    [Fact]
    public void Sentence_ShortCandidate_AppliesBrevityPenalty()
    {
        // c = 2, r = 6: BP = exp(1 − 6/2) = e^−2; p1 = p2 = 1.
        var score = Bleu.Sentence("the cat", ["the cat sat on the mat"], new BleuOptions { MaxOrder = 2 });

        Assert.Equal(Math.Exp(-2), score.BrevityPenalty, 12);
        Assert.Equal(Math.Exp(-2), score.Score, 12);
    }

    [Fact]
    public void Sentence_ClosestReferenceLength_TiesGoToTheShorter()
    {
        // Candidate of 3 tokens, references of 2 and 4 tokens: both 1 away, r = 2, so no penalty.
        var score = Bleu.Sentence(["a", "b", "c"], [["a", "b"], ["a", "b", "c", "d"]], new BleuOptions { MaxOrder = 1 });

        Assert.Equal(2, score.ReferenceLength);
        Assert.Equal(1, score.BrevityPenalty);
    }

    [Fact]
    public void Sentence_RepeatedWord_IsClippedToReferenceCount()
    {
        // Papineni's "the the the the the the the" example: p1 = 2/7.
        var score = Bleu.Sentence("the the the the the the the", ["the cat is on the mat"], new BleuOptions { MaxOrder = 1 });

        Assert.Equal(2.0 / 7, score.Precisions[0], 12);
    }

    [Fact]
    public void Options_Invalid_ThrowsListingEveryError()
    {
        var error = Assert.Throws<ArgumentException>(() => Bleu.Sentence("a", ["a"], new BleuOptions { MaxOrder = 0, Epsilon = 0 }));

        Assert.Contains("MaxOrder", error.Message, StringComparison.Ordinal);
        Assert.Contains("Epsilon", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corpus_MismatchedCounts_Throws()
    {
        Assert.Throws<ArgumentException>(() => Bleu.Corpus([["a"]], []));
    }
}
