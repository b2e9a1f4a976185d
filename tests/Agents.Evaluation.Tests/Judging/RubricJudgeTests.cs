namespace Agents.Evaluation.Tests.Judging;

public sealed class RubricJudgeTests
{
    private static readonly Rubric s_rubric = new([new("accuracy", "Correct facts."), new("brevity", "No filler.")], 1, 5);

    private const string Valid = """{"criteria":[{"name":"accuracy","score":5,"rationale":"Right."},{"name":"brevity","score":2,"rationale":"Wordy."}],"rationale":"Correct but long."}""";

    [Fact]
    public async Task ScoreAsync_ValidJson_ParsesScoresAndRationale()
    {
        var judge = new RubricJudge(ScriptedJudge.Replying(Valid), s_rubric);

        var verdict = await judge.ScoreAsync("What is 2+2?", "It is four.", "4");

        Assert.Equal([5, 2], verdict.Scores.Select(s => s.Score));
        Assert.Equal("Wordy.", verdict.Scores[1].Rationale);
        Assert.Equal("Correct but long.", verdict.Rationale);
        Assert.Equal(3.5, verdict.MeanScore);
        Assert.Equal((3.5 - 1) / 4, verdict.NormalizedScore, 12);
    }

    [Fact]
    public async Task ScoreAsync_Prompt_CarriesCriteriaScaleAndQuotedTexts()
    {
        var model = ScriptedJudge.Replying(Valid);

        await new RubricJudge(model, s_rubric).ScoreAsync("the question", "the answer", "the reference");

        var request = Assert.Single(model.Requests);
        Assert.Contains("accuracy: Correct facts.", request.Messages[0].Text, StringComparison.Ordinal);
        Assert.Contains("from 1 to 5", request.Messages[0].Text, StringComparison.Ordinal);
        Assert.Contains("<response>\nthe answer\n</response>", request.Messages[1].Text, StringComparison.Ordinal);
        Assert.Contains("<reference>\nthe reference\n</reference>", request.Messages[1].Text, StringComparison.Ordinal);
        Assert.Equal(0f, request.Options!.Temperature);
        Assert.Null(request.Options.ResponseFormat);
    }

    [Fact]
    public async Task ScoreAsync_FencedJsonWithProseAndStringScores_IsAccepted()
    {
        var reply = "Sure! Here is my evaluation:\n```json\n{\"criteria\":[{\"name\":\"Accuracy\",\"score\":\"4\"},{\"name\":\"brevity\",\"score\":3.0}]}\n```\nHope this helps.";

        var verdict = await new RubricJudge(ScriptedJudge.Replying(reply), s_rubric).ScoreAsync("q", "a");

        Assert.Equal([4, 3], verdict.Scores.Select(s => s.Score));
        Assert.Equal("accuracy", verdict.Scores[0].Criterion);
    }

    [Fact]
    public async Task ScoreAsync_GarbageThenValid_RepairsWithTheErrorInTheConversation()
    {
        var model = ScriptedJudge.Replying("I think it's great!", Valid);

        var verdict = await new RubricJudge(model, s_rubric).ScoreAsync("q", "a");

        Assert.Equal(5, verdict.Scores[0].Score);
        Assert.Equal(2, model.Requests.Count);
        var repair = model.Requests[1].Messages;
        Assert.Equal("I think it's great!", repair[^2].Text);
        Assert.Equal(MessageRole.Assistant, repair[^2].Role);
        Assert.Contains("not a JSON object", repair[^1].Text, StringComparison.Ordinal);
        Assert.Equal(2, model.Requests[0].Messages.Count);
    }

    [Theory]
    [InlineData("""{"criteria":[{"name":"accuracy","score":9},{"name":"brevity","score":2}]}""", "outside [1, 5]")]
    [InlineData("""{"criteria":[{"name":"accuracy","score":4}]}""", "missing: brevity")]
    [InlineData("""{"criteria":[{"name":"accuracy","score":4.5},{"name":"brevity","score":2}]}""", "integer")]
    [InlineData("""{"scores":{}}""", "\"criteria\" must be an array")]
    public async Task ScoreAsync_InvalidVerdict_IsSentBackWithTheReason(string invalid, string reason)
    {
        var model = ScriptedJudge.Replying(invalid, Valid);

        await new RubricJudge(model, s_rubric).ScoreAsync("q", "a");

        Assert.Contains(reason, model.Requests[1].Messages[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScoreAsync_AlwaysGarbage_ThrowsAfterTheRepairBudget()
    {
        var model = ScriptedJudge.Replying("nope");

        var error = await Assert.ThrowsAsync<JudgeOutputException>(() =>
            new RubricJudge(model, s_rubric, new JudgeOptions { MaxRepairAttempts = 2 }).ScoreAsync("q", "a"));

        Assert.Equal(3, model.Requests.Count);
        Assert.Equal(3, error.Attempts);
        Assert.Equal("nope", error.LastReply);
    }

    [Fact]
    public async Task ScoreAsync_LongResponse_IsCutForTheJudge()
    {
        var model = ScriptedJudge.Replying(Valid);

        await new RubricJudge(model, s_rubric, new JudgeOptions { MaxQuotedCharacters = 100 }).ScoreAsync("q", new string('x', 10_000));

        Assert.True(model.Requests[0].Messages[1].Text.Length < 400);
        Assert.Contains("[…cut]", model.Requests[0].Messages[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Rubric_Invalid_ListsEveryProblem()
    {
        var error = Assert.Throws<ArgumentException>(() => new Rubric([new("a", "x"), new("A", "y")], 5, 5));

        Assert.Contains("appears twice", error.Message, StringComparison.Ordinal);
        Assert.Contains("scaleMax > scaleMin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JudgeOptions_Invalid_Throws()
    {
        Assert.Throws<ArgumentException>(() => new RubricJudge(ScriptedJudge.Replying(Valid), s_rubric, new JudgeOptions { MaxRepairAttempts = -1 }));
    }
}
