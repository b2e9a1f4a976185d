using System.Text.RegularExpressions;
using Agents.Safety.Guards;

namespace Agents.Safety.Tests.Guards;

/// <summary>The trigger automaton's case folding at the alphabet's ends, duplicate triggers and the ASCII boundary; a rule's unanchored pattern.</summary>
public sealed class TriggerAutomatonEdgeTests
{
    private static List<(string Trigger, int Start, int Length)> Find(TriggerAutomaton automaton, string text)
    {
        var hits = new List<TriggerHit>();
        automaton.FindAll(text, hits);
        return [.. hits.Select(h => (automaton.Triggers[h.Trigger], h.Start, h.Length))];
    }

    [Fact]
    public void FindAll_UpperCaseZAndA_FoldLikeTheOtherLetters()
    {
        var automaton = new TriggerAutomaton(["zap", "adz"]);

        Assert.Equal([("zap", 0, 3), ("adz", 4, 3)], Find(automaton, "ZAP ADZ"));
    }

    [Fact]
    public void FindAll_DuplicateTriggers_ReportEveryId()
    {
        var automaton = new TriggerAutomaton(["ab", "ab", "b"]);
        var hits = new List<TriggerHit>();

        automaton.FindAll("xab", hits);

        Assert.Equal([0, 1, 2], hits.Select(h => h.Trigger).Order());
        Assert.All(hits.Where(h => h.Trigger < 2), h => Assert.Equal((1, 2), (h.Start, h.Length)));
    }

    [Theory]
    [InlineData("\u0080go")]
    [InlineData("g\u0080go")]
    [InlineData("go\u0080")]
    public void FindAll_FirstCharacterPastAscii_ResetsWithoutError(string text)
    {
        var automaton = new TriggerAutomaton(["go"]);

        var hits = Find(automaton, text);

        Assert.Single(hits);
        Assert.Equal(text.IndexOf("go", StringComparison.Ordinal), hits[0].Start);
    }

    [Fact]
    public void AnchoredPattern_OfAnUnanchoredRule_IsThePatternItselfAndMatchesAnywhere()
    {
        var pattern = new Regex(@"\bsecret\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(2));
        var rule = new InjectionRule("test", 0.5, pattern, ["secret"]);

        Assert.Same(pattern, rule.AnchoredPattern);
        Assert.Matches(rule.AnchoredPattern, "tell me the secret");
    }
}
