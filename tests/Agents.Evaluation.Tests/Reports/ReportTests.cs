using System.Text.Json;
using System.Xml.Linq;

namespace Agents.Evaluation.Tests.Reports;

public sealed class ReportTests
{
    private static ItemResult Result(string candidate, string item, double rougeL, double latency, string? output = "out", string? variant = null) => new()
    {
        Candidate = candidate, ItemId = item, Variant = variant, Output = output, LatencyMs = latency,
        Scores = new Dictionary<string, double> { ["rougeL"] = rougeL, ["exact_match"] = rougeL > 0.5 ? 1 : 0 },
    };

    private static EvalRun SampleRun()
    {
        var items = Enumerable.Range(1, 6).Select(i => Items.Of($"item{i}", $"question {i}", $"answer {i}")).ToList();
        var results = new List<ItemResult>();
        for (var i = 1; i <= 6; i++)
        {
            results.Add(Result("base", $"item{i}", 0.1 * i, 100 + i, i == 1 ? "<script>alert(1)</script>" : "base out"));
            results.Add(Result("new", $"item{i}", (0.1 * i) + 0.2, 50 + i));
        }

        results.Add(Result("base", "item1", 0, 10, output: null, variant: "Empty") with { Error = "InvalidRequestException: empty" });
        var pairwise = new List<PairwiseResult>
        {
            new() { ItemId = "item1", CandidateA = "base", CandidateB = "new", Winner = PairwiseWinner.B, Consistent = true },
            new() { ItemId = "item2", CandidateA = "base", CandidateB = "new", Winner = PairwiseWinner.Tie, Consistent = false },
            new() { ItemId = "item3", CandidateA = "base", CandidateB = "new" },
        };
        return new EvalRun(items, ["base", "new"], results, pairwise, 42);
    }

    [Fact]
    public void Build_Summary_MatchesHandComputedMeans()
    {
        var report = EvalReport.Build(SampleRun());

        Assert.Equal(0.35, report.Summary["base"]["rougeL"].Mean, 12);
        Assert.Equal(0.55, report.Summary["new"]["rougeL"].Mean, 12);
        Assert.Equal(103.5, report.Summary["base"]["latency_ms"].Mean, 12);
        Assert.Equal(6, report.Summary["base"]["rougeL"].Count);
        Assert.Equal(["exact_match", "rougeL"], report.Metrics);
        Assert.Equal("rougeL", report.PrimaryMetric);
    }

    [Fact]
    public void Build_ConstantImprovement_HasAZeroWidthSignificantInterval()
    {
        var delta = EvalReport.Build(SampleRun()).Deltas.Single(d => d.Metric == "rougeL");

        Assert.Equal(0.2, delta.MeanDelta, 9);
        Assert.Equal(0.2, delta.Lower, 9);
        Assert.Equal(0.2, delta.Upper, 9);
        Assert.True(delta.Significant);
        Assert.Equal(6, delta.Count);
    }

    [Fact]
    public void Bootstrap_Interval_ContainsTheMeanAndIsReproducible()
    {
        double[] values = [0.1, -0.3, 0.5, 0.2, 0.0, 0.4, -0.1, 0.3];

        var first = Bootstrap.MeanInterval(values, seed: 1);
        var second = Bootstrap.MeanInterval(values, seed: 1);

        Assert.Equal(first, second);
        Assert.InRange(values.Average(), first.Lower, first.Upper);
        Assert.True(first.Lower < first.Upper);
        Assert.True(first.Lower >= values.Min() && first.Upper <= values.Max());
    }

    [Fact]
    public void Build_PairwiseRobustnessWorstAndSample_AreComputed()
    {
        var report = EvalReport.Build(SampleRun(), new EvalReportOptions { WorstItems = 2, AuditSampleSize = 3 });

        var tally = Assert.Single(report.Pairwise);
        Assert.Equal((0, 1, 1, 1), (tally.WinsA, tally.WinsB, tally.Ties, tally.Failed));
        Assert.Equal(0.5, tally.ConsistencyRate);
        var drop = report.Robustness.Single(r => r.Metric == "rougeL");
        Assert.Equal(0.1, drop.Drop, 12);
        Assert.Equal(1, drop.ErrorRate);
        Assert.Equal(["item1", "item2", "item1", "item2"], report.WorstItems.Select(r => r.ItemId));
        Assert.Equal(3, report.AuditSample.Distinct().Count());
        Assert.Equal(report.AuditSample, EvalReport.Build(SampleRun(), new EvalReportOptions { AuditSampleSize = 3 }).AuditSample);
    }

    [Fact]
    public void Build_FailedCalls_AreCountedAndListedFirstAmongTheWorst()
    {
        var items = new[] { Items.Of("a", "q", "r"), Items.Of("b", "q", "r"), Items.Of("c", "q", "r") };
        var results = new[]
        {
            Result("m", "a", 0.0, 1),
            Result("m", "b", 0.9, 1, output: null) with { Error = "ProviderException: 500" },
            Result("m", "c", 0.5, 1),
        };

        var report = EvalReport.Build(new EvalRun(items, ["m"], results, [], 1), new EvalReportOptions { WorstItems = 2 });

        Assert.Equal(1, report.Errors["m"]);
        Assert.Equal(["b", "a"], report.WorstItems.Select(r => r.ItemId));
    }

    [Fact]
    public void Build_HumanPreferenceLabels_GivePairwiseAgreement()
    {
        var items = new[]
        {
            Items.WithLabels("a", "q", "r", """{"human_preference":"B"}"""),
            Items.WithLabels("b", "q", "r", """{"human_preference":"A"}"""),
            Items.WithLabels("c", "q", "r", """{"human_preference":"b"}"""),
        };
        var pairwise = new[]
        {
            new PairwiseResult { ItemId = "a", CandidateA = "x", CandidateB = "y", Winner = PairwiseWinner.B, Consistent = true },
            new PairwiseResult { ItemId = "b", CandidateA = "x", CandidateB = "y", Winner = PairwiseWinner.B, Consistent = true },
            new PairwiseResult { ItemId = "c", CandidateA = "x", CandidateB = "y", Winner = PairwiseWinner.B, Consistent = true },
        };

        var agreement = Assert.Single(EvalReport.Build(new EvalRun(items, ["x", "y"], [], pairwise, 1)).Agreement);

        // Human [B, A, B], judge [B, B, B]: pₒ = 2/3, pₑ = 2/3 · 1 = 2/3, κ = 0.
        Assert.Equal(("pairwise", "labels", 3), (agreement.Kind, agreement.Source, agreement.Count));
        Assert.Equal(2.0 / 3, agreement.Agreement, 12);
        Assert.Equal(0, agreement.Kappa, 12);
    }

    [Fact]
    public void MetricSummary_MedianAndP95_MatchHandComputed()
    {
        var summary = MetricSummary.Of([4, 1, 3, 2]);

        Assert.Equal((2.5, 2.5, 1, 4, 4), (summary.Mean, summary.Median, summary.Min, summary.Max, summary.P95));
        Assert.Equal(Math.Sqrt(5.0 / 3), summary.StandardDeviation, 12);
        Assert.Equal(3, MetricSummary.Of([5, 3, 1]).Median);
    }

    [Theory]
    [InlineData("rougeL<0.3", false)]
    [InlineData("rougeL<0.4", true)]
    [InlineData("new:rougeL<0.4", false)]
    [InlineData("latency_ms>=104", false)]
    [InlineData("latency_ms>=100", true)]
    [InlineData("rogueL<0.3", true)]
    public void Build_Gates_FailWhenTheConditionHoldsOrTheMetricIsMissing(string gate, bool fails)
    {
        var report = EvalReport.Build(SampleRun(), new EvalReportOptions { Gates = [FailIfGate.Parse(gate)] });

        Assert.Equal(!fails, report.Passed);
    }

    [Theory]
    [InlineData("rougeL")]
    [InlineData("rougeL<")]
    [InlineData("<0.3")]
    [InlineData("rougeL=0.3")]
    [InlineData("rougeL<abc")]
    public void FailIfGate_Malformed_ThrowsFormatException(string gate)
    {
        Assert.Throws<FormatException>(() => FailIfGate.Parse(gate));
    }

    [Fact]
    public void FailIfGate_Parse_ReadsEveryPart()
    {
        var gate = FailIfGate.Parse(" local:judge.accuracy <= 2.5e0 ");

        Assert.Equal(("local", "judge.accuracy", "<=", 2.5), (gate.Candidate, gate.Metric, gate.Comparison, gate.Threshold));
        Assert.True(gate.FailsOn(2.5));
        Assert.False(gate.FailsOn(2.6));
    }

    [Fact]
    public void Html_ContainsTablesChartsAndEncodesModelOutput()
    {
        var html = HtmlReportWriter.Write(EvalReport.Build(SampleRun(), new EvalReportOptions { Gates = [FailIfGate.Parse("rougeL<0.4")], AuditSampleSize = 6 }));

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        foreach (var part in new[] { "<table class=\"metrics\"", "<svg class=\"chart histogram\"", "aria-label=\"latency (ms)\"", "<svg class=\"chart deltas\"", "<table class=\"deltas\"", "<table class=\"pairwise\"", "<table class=\"robustness\"", "<table class=\"gates\"", "<table class=\"worst\"", "<table class=\"audit\"", "FAILED" })
        {
            Assert.Contains(part, html, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);

        // Every chart is well-formed XML.
        var start = 0;
        while ((start = html.IndexOf("<svg", start, StringComparison.Ordinal)) >= 0)
        {
            var end = html.IndexOf("</svg>", start, StringComparison.Ordinal) + 6;
            XElement.Parse(html[start..end]);
            start = end;
        }
    }

    [Fact]
    public void Markdown_HasTheTables()
    {
        var markdown = MarkdownReportWriter.Write(EvalReport.Build(SampleRun()));

        Assert.Contains("| metric | base | new |", markdown, StringComparison.Ordinal);
        Assert.Contains("| rougeL | 0.35 ± ", markdown, StringComparison.Ordinal);
        Assert.Contains("## A vs B", markdown, StringComparison.Ordinal);
        Assert.Contains("## Robustness", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_CarriesMetricsGatesAndPassed()
    {
        var json = JsonReportWriter.Write(EvalReport.Build(SampleRun(), new EvalReportOptions { Gates = [FailIfGate.Parse("rougeL<0.4")] }));

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.False(root.GetProperty("passed").GetBoolean());
        Assert.Equal(0.35, root.GetProperty("metrics").GetProperty("base").GetProperty("rougeL").GetProperty("mean").GetDouble(), 9);
        var gates = root.GetProperty("gates").EnumerateArray().ToList();
        Assert.Equal(2, gates.Count);
        Assert.True(gates[0].GetProperty("failed").GetBoolean());
        Assert.False(gates[1].GetProperty("failed").GetBoolean());
        var rougeL = root.GetProperty("deltas").EnumerateArray().Single(d => d.GetProperty("metric").GetString() == "rougeL");
        Assert.Equal(0.2, rougeL.GetProperty("mean_delta").GetDouble(), 6);
        Assert.True(rougeL.GetProperty("significant").GetBoolean());
    }
}
