using Agents.Evaluation;

namespace Agents.Samples.Eval;

/// <summary><c>run</c>: evaluates a dataset with the configured generators and writes results and reports to the output folder.</summary>
public static class RunCommand
{
    /// <summary>Runs the evaluation.</summary>
    /// <param name="datasetPath">The JSONL dataset.</param>
    /// <param name="configPath">The JSON configuration.</param>
    /// <param name="outputDirectory">The output folder (results.jsonl makes reruns resume).</param>
    /// <param name="gates">Extra --fail-if gates.</param>
    /// <param name="ratingsPath">A filled audit sheet to read back, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>0 when every gate passed, 1 when one failed.</returns>
    public static async Task<int> ExecuteAsync(string datasetPath, string configPath, string outputDirectory, IReadOnlyList<string> gates, string? ratingsPath, CancellationToken cancellationToken)
    {
        IReadOnlyList<EvalItem> items;
        try
        {
            items = EvalDataset.Load(datasetPath);
        }
        catch (InvalidDataException e)
        {
            throw new UsageException($"--dataset: {e.Message}");
        }

        if (items.Count == 0)
        {
            throw new UsageException($"--dataset: '{datasetPath}' has no items.");
        }

        using var config = EvalConfig.Load(configPath);
        foreach (var gate in gates)
        {
            config.ReportOptions.Gates.Add(EvalConfig.ParseGate(gate, "--fail-if"));
        }

        if (ratingsPath is not null)
        {
            using var reader = new StreamReader(ratingsPath);
            try
            {
                foreach (var rating in AuditSheet.ReadRatings(reader))
                {
                    config.ReportOptions.HumanRatings.Add(rating);
                }
            }
            catch (InvalidDataException e)
            {
                throw new UsageException($"--ratings: {e.Message}");
            }
        }

        config.RunnerOptions.OutputDirectory = outputDirectory;
        EvalRunner runner;
        try
        {
            runner = new EvalRunner(config.RunnerOptions);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"config: {e.Message}");
        }

        var run = await runner.RunAsync(items, config.Candidates, cancellationToken);
        var report = EvalReport.Build(run, config.ReportOptions);
        await File.WriteAllTextAsync(Path.Combine(outputDirectory, "report.md"), MarkdownReportWriter.Write(report), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(outputDirectory, "report.html"), HtmlReportWriter.Write(report), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(outputDirectory, "report.json"), JsonReportWriter.Write(report), cancellationToken);
        await using (var audit = new StreamWriter(Path.Combine(outputDirectory, "audit.csv")))
        {
            AuditSheet.Write(audit, run, report.AuditSample);
        }

        Console.WriteLine($"{items.Count} items × {run.Candidates.Count} candidate(s): reports in {Path.GetFullPath(outputDirectory)} (report.md, report.html, report.json, audit.csv).");
        foreach (var gate in report.Gates.Where(g => g.Failed))
        {
            Console.Error.WriteLine($"gate failed: {gate.Expression} for {gate.Candidate} (value {(double.IsNaN(gate.Value) ? "not computed" : gate.Value.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture))})");
        }

        return report.Passed ? 0 : 1;
    }
}
