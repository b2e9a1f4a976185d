namespace Agents.Evaluation;

/// <summary>Options of <see cref="EvalReport.Build"/>.</summary>
public sealed class EvalReportOptions
{
    /// <summary>Gets or sets the metric that ranks the worst items; <see langword="null"/> picks the first of judge, rougeL, token_f1, semantic, json_valid, exact_match that was computed.</summary>
    /// <value><see langword="null"/>.</value>
    public string? PrimaryMetric { get; set; }

    /// <summary>Gets or sets how many worst items per candidate the report lists.</summary>
    /// <value>5.</value>
    public int WorstItems { get; set; } = 5;

    /// <summary>Gets or sets how many items the random audit sample holds.</summary>
    /// <value>10.</value>
    public int AuditSampleSize { get; set; } = 10;

    /// <summary>Gets or sets the bootstrap resamples for A-vs-B intervals.</summary>
    /// <value>2,000.</value>
    public int BootstrapResamples { get; set; } = 2000;

    /// <summary>Gets or sets the CI gates.</summary>
    /// <value>None.</value>
    public IList<FailIfGate> Gates { get; set; } = [];

    /// <summary>Gets or sets the human ratings read back from the audit sheet.</summary>
    /// <value>None.</value>
    public IList<HumanRating> HumanRatings { get; set; } = [];

    internal void Validate()
    {
        var errors = new List<string>();
        if (WorstItems is < 0 or > 1000)
        {
            errors.Add($"WorstItems must be in [0, 1000]; it is {WorstItems}.");
        }

        if (AuditSampleSize is < 0 or > 100_000)
        {
            errors.Add($"AuditSampleSize must be in [0, 100,000]; it is {AuditSampleSize}.");
        }

        if (BootstrapResamples is < 10 or > 1_000_000)
        {
            errors.Add($"BootstrapResamples must be in [10, 1,000,000]; it is {BootstrapResamples}.");
        }

        if (Gates is null || HumanRatings is null)
        {
            errors.Add("Gates and HumanRatings must not be null.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid EvalReportOptions: " + string.Join(" ", errors));
        }
    }
}
