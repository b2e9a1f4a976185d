namespace Agents.Evaluation.Tests.Reports;

public sealed class AuditSheetTests
{
    private static EvalRun JudgedRun()
    {
        var items = new[] { Items.Of("a", "q, with \"quotes\"\nand a line", "ref"), Items.Of("b", "q2", "ref2"), Items.Of("c", "q3", "ref3") };
        ItemResult R(string item, double judge, string output) => new()
        {
            Candidate = "m", ItemId = item, Output = output, Scores = new Dictionary<string, double> { ["judge"] = judge },
        };
        return new EvalRun(items, ["m"], [R("a", 1.0, "=HYPERLINK(\"http://x\")"), R("b", 0.5, "fine"), R("c", 0.0, "bad")], [], 1);
    }

    [Fact]
    public void Write_QuotesFieldsAndDefusesFormulas()
    {
        using var writer = new StringWriter();

        AuditSheet.Write(writer, JudgedRun(), ["a"]);

        var csv = writer.ToString();
        Assert.StartsWith(string.Join(',', AuditSheet.Columns) + "\r\n", csv, StringComparison.Ordinal);
        Assert.Contains("\"q, with \"\"quotes\"\"\nand a line\"", csv, StringComparison.Ordinal);
        Assert.Contains("\"'=HYPERLINK(\"\"http://x\"\")\"", csv, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRatings_FilledSheet_RoundTripsAndGivesAgreementWithTheJudge()
    {
        var run = JudgedRun();
        using var writer = new StringWriter();
        AuditSheet.Write(writer, run, ["a", "b", "c"]);
        var rows = Csv.Read(new StringReader(writer.ToString())).ToList();
        var likert = AuditSheet.Columns.ToList().IndexOf("likert");
        // The human agrees on a (judge 1.0 → 5) and c (judge 0 → 1), disagrees on b (judge 0.5 → 3).
        var ratings = new Dictionary<string, string> { ["a"] = "5", ["b"] = "4", ["c"] = "1" };
        var filled = string.Join("\r\n", rows.Select((row, i) => i == 0 ? string.Join(',', row)
            : string.Join(',', row.Select((cell, j) => Csv.Field(j == likert ? ratings[row[0]] : cell)))));

        var read = AuditSheet.ReadRatings(new StringReader(filled));
        var report = EvalReport.Build(run, new EvalReportOptions { HumanRatings = [.. read] });

        Assert.Equal(3, read.Count);
        Assert.Equal("q, with \"quotes\"\nand a line", rows[1][2]);
        var agreement = Assert.Single(report.Agreement);
        Assert.Equal(("likert", "audit", 3), (agreement.Kind, agreement.Source, agreement.Count));
        Assert.Equal(2.0 / 3, agreement.Agreement, 12);
        // Human [5,4,1], judge [5,3,1]: pₒ = 2/3, pₑ = 1/9 + 0 + 0 + 1/9 = 2/9, κ = (2/3 − 2/9) / (7/9) = 4/7.
        Assert.Equal(4.0 / 7, agreement.Kappa, 12);
    }

    [Fact]
    public void ReadRatings_PairwiseRow_ReadsThePreferenceForCandidateB()
    {
        var csv = "item_id,candidate,likert,candidate_b,preference\r\nx,base,,new,B\r\ny,base,,,\r\n";

        var rating = Assert.Single(AuditSheet.ReadRatings(new StringReader(csv)));

        Assert.Equal(new HumanRating("x", "new", null, PairwiseWinner.B), rating);
    }

    [Fact]
    public void Build_DatasetHumanScoreLabels_GiveAgreement()
    {
        var items = new[] { Items.WithLabels("a", "q", "r", """{"human_score":5}"""), Items.WithLabels("b", "q", "r", """{"human_score":1}""") };
        var results = new[]
        {
            new ItemResult { Candidate = "m", ItemId = "a", Output = "x", Scores = new() { ["judge"] = 1 } },
            new ItemResult { Candidate = "m", ItemId = "b", Output = "x", Scores = new() { ["judge"] = 0 } },
        };

        var agreement = Assert.Single(EvalReport.Build(new EvalRun(items, ["m"], results, [], 1)).Agreement);

        Assert.Equal(("labels", 1.0, 1.0), (agreement.Source, agreement.Kappa, agreement.Agreement));
    }

    [Theory]
    [InlineData("item_id,candidate,likert\r\na,m,7\r\n")]
    [InlineData("item_id,candidate,likert\r\na,m,good\r\n")]
    [InlineData("item_id,candidate,likert,preference\r\na,m,,C\r\n")]
    [InlineData("item,candidate\r\na,m\r\n")]
    public void ReadRatings_BadSheet_ThrowsInvalidData(string csv)
    {
        Assert.Throws<InvalidDataException>(() => AuditSheet.ReadRatings(new StringReader(csv)));
    }
}
