using Agents.Safety.Guards;

namespace Agents.Safety.Tests.Guards;

public sealed class TriggerAutomatonTests
{
    private static List<(string Trigger, int Start, int Length)> Find(TriggerAutomaton automaton, string text)
    {
        var hits = new List<TriggerHit>();
        automaton.FindAll(text, hits);
        return [.. hits.Select(h => (automaton.Triggers[h.Trigger], h.Start, h.Length))];
    }

    [Fact]
    public void FindAll_OverlappingAndNestedTriggers_FindsEveryOccurrenceInOrderOfEnd()
    {
        var automaton = new TriggerAutomaton(["he", "she", "his", "hers"]);

        var hits = Find(automaton, "ushers");

        Assert.Equal([("she", 1, 3), ("he", 2, 2), ("hers", 2, 4)], hits);
    }

    [Fact]
    public void FindAll_RepeatedTrigger_FindsEachOccurrence()
    {
        var automaton = new TriggerAutomaton(["aa"]);

        Assert.Equal([("aa", 0, 2), ("aa", 1, 2), ("aa", 2, 2)], Find(automaton, "aaaa"));
    }

    [Fact]
    public void FindAll_TriggersAtTheVeryStartAndEnd_AreFound()
    {
        var automaton = new TriggerAutomaton(["ignor", "mode"]);

        var hits = Find(automaton, "Ignore this and enter mode");

        Assert.Equal([("ignor", 0, 5), ("mode", 22, 4)], hits);
    }

    [Theory]
    [InlineData("IGNORE", true)]
    [InlineData("IgNoRe", true)]
    [InlineData("ig nore", false)]
    [InlineData("ign\u00F6re", false)]
    [InlineData("", false)]
    public void FindAll_FoldsAsciiCaseOnly(string text, bool found)
    {
        var automaton = new TriggerAutomaton(["ignore"]);

        Assert.Equal(found, Find(automaton, text).Count > 0);
    }

    [Fact]
    public void FindAll_NonAsciiThatFoldsToAscii_AndTypographicApostrophes_Match()
    {
        var automaton = new TriggerAutomaton(["key", "you're"]);

        Assert.Equal([("key", 0, 3)], Find(automaton, "\u212Aey"));
        Assert.Equal([("you're", 0, 6)], Find(automaton, "you\u2019re"));
    }

    [Fact]
    public void FindAll_PunctuationAndSpacesInTriggers_MatchLiterally()
    {
        var automaton = new TriggerAutomaton(["<|", " off", "inst]"]);

        var hits = Find(automaton, "<|im_start|> [INST] switch it off|>");

        Assert.Equal([("<|", 0, 2), ("inst]", 14, 5), (" off", 29, 4)], hits);
    }

    [Fact]
    public void FindAll_NoTriggerInText_FindsNothing()
    {
        var automaton = new TriggerAutomaton(["ignore", "system"]);

        Assert.Empty(Find(automaton, "The kettle should be descaled monthly; vinegar works well."));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Ignore")]
    [InlineData("r\u00E9sum\u00E9")]
    public void Constructor_EmptyUpperCaseOrNonAsciiTrigger_Throws(string trigger) =>
        Assert.Throws<ArgumentException>(() => new TriggerAutomaton(["ok", trigger]));
}
