namespace Agents.Evaluation.Tests.Judging;

public sealed class PairwiseJudgeTests
{
    [Fact]
    public async Task CompareAsync_JudgeAlwaysPicksFirstPosition_IsATieAndInconsistent()
    {
        var model = ScriptedJudge.Replying("""{"winner":"1","rationale":"The first one."}""");

        var verdict = await new PairwiseJudge(model).CompareAsync("q", "answer A", "answer B");

        Assert.Equal(PairwiseWinner.A, verdict.FirstOrder);
        Assert.Equal(PairwiseWinner.B, verdict.SwappedOrder);
        Assert.Equal(PairwiseWinner.Tie, verdict.Winner);
        Assert.False(verdict.Consistent);
    }

    [Fact]
    public async Task CompareAsync_SecondCallShowsTheResponsesSwapped()
    {
        var model = ScriptedJudge.Replying("""{"winner":"tie"}""");

        await new PairwiseJudge(model).CompareAsync("q", "answer A", "answer B");

        var first = model.Requests[0].Messages[^1].Text;
        var second = model.Requests[1].Messages[^1].Text;
        Assert.Contains("<response1>\nanswer A\n</response1>\n<response2>\nanswer B", first, StringComparison.Ordinal);
        Assert.Contains("<response1>\nanswer B\n</response1>\n<response2>\nanswer A", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompareAsync_JudgeFollowsContent_BothOrdersAgree()
    {
        // The judge prefers whichever response says "correct", wherever it is shown.
        var model = ScriptedJudge.Answering(prompt =>
            prompt.IndexOf("correct", StringComparison.Ordinal) < prompt.IndexOf("<response2>", StringComparison.Ordinal)
                ? """{"winner":"1","rationale":"first is correct"}"""
                : """{"winner":"2","rationale":"second is correct"}""");

        var verdict = await new PairwiseJudge(model).CompareAsync("q", "wrong", "correct");

        Assert.Equal(PairwiseWinner.B, verdict.Winner);
        Assert.True(verdict.Consistent);
        Assert.Equal("first is correct", verdict.SwappedRationale);
    }

    [Theory]
    [InlineData(PairwiseWinner.A, PairwiseWinner.A, PairwiseTieRule.Strict, PairwiseWinner.A)]
    [InlineData(PairwiseWinner.A, PairwiseWinner.B, PairwiseTieRule.Strict, PairwiseWinner.Tie)]
    [InlineData(PairwiseWinner.A, PairwiseWinner.Tie, PairwiseTieRule.Strict, PairwiseWinner.Tie)]
    [InlineData(PairwiseWinner.A, PairwiseWinner.Tie, PairwiseTieRule.Lenient, PairwiseWinner.A)]
    [InlineData(PairwiseWinner.Tie, PairwiseWinner.B, PairwiseTieRule.Lenient, PairwiseWinner.B)]
    [InlineData(PairwiseWinner.A, PairwiseWinner.B, PairwiseTieRule.Lenient, PairwiseWinner.Tie)]
    [InlineData(PairwiseWinner.Tie, PairwiseWinner.Tie, PairwiseTieRule.Lenient, PairwiseWinner.Tie)]
    public void Combine_TieRules_AreApplied(PairwiseWinner first, PairwiseWinner swapped, PairwiseTieRule rule, PairwiseWinner expected)
    {
        Assert.Equal(expected, PairwiseJudge.Combine(first, swapped, rule));
    }

    [Fact]
    public async Task CompareAsync_UnknownWinner_IsRepaired()
    {
        var model = ScriptedJudge.Replying("""{"winner":"both"}""", """{"winner":2}""", """{"winner":"Response 1"}""");

        var verdict = await new PairwiseJudge(model, PairwiseTieRule.Strict, new JudgeOptions { MaxRepairAttempts = 1 }).CompareAsync("q", "a", "b");

        Assert.Contains("\"winner\" must be", model.Requests[1].Messages[^1].Text, StringComparison.Ordinal);
        Assert.Equal(PairwiseWinner.B, verdict.FirstOrder);
        Assert.Equal(PairwiseWinner.B, verdict.SwappedOrder);
        Assert.Equal(PairwiseWinner.B, verdict.Winner);
    }
}
