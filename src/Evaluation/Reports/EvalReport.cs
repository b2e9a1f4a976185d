using System.Text.Json;

namespace Agents.Evaluation;

/// <summary>
/// The figures of a run: per-candidate metric summaries (quality metrics plus latency_ms, prompt_tokens,
/// completion_tokens and cost), A-vs-B deltas with bootstrap intervals, pairwise tallies, robustness drops, the worst
/// items, a random audit sample, the judge's agreement with humans and the CI gates. Written by
/// <see cref="MarkdownReportWriter"/>, <see cref="HtmlReportWriter"/> and <see cref="JsonReportWriter"/>.
/// </summary>
public sealed class EvalReport
{
    /// <summary>The operational metrics every result has.</summary>
    public static IReadOnlyList<string> OperationalMetrics { get; } = ["latency_ms", "prompt_tokens", "completion_tokens", "cost"];

    private static readonly string[] s_primaryPreference =
        [EvalMetricNames.Judge, EvalMetricNames.RougeL, EvalMetricNames.TokenF1, EvalMetricNames.Semantic, EvalMetricNames.JsonValid, EvalMetricNames.ExactMatch];

    private EvalReport(EvalRun run) => Run = run;

    /// <summary>Gets the run the report describes.</summary>
    public EvalRun Run { get; }

    /// <summary>Gets the quality metrics computed, in a stable order.</summary>
    public IReadOnlyList<string> Metrics { get; private init; } = [];

    /// <summary>Gets the summaries: candidate → metric → summary (quality and operational metrics, original inputs only).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, MetricSummary>> Summary { get; private init; } =
        new Dictionary<string, IReadOnlyDictionary<string, MetricSummary>>();

    /// <summary>Gets the number of failed calls per candidate (original inputs).</summary>
    public IReadOnlyDictionary<string, int> Errors { get; private init; } = new Dictionary<string, int>();

    /// <summary>Gets the A-vs-B deltas of every quality metric and latency, the first candidate being A.</summary>
    public IReadOnlyList<MetricDelta> Deltas { get; private init; } = [];

    /// <summary>Gets the pairwise judge's tallies.</summary>
    public IReadOnlyList<PairwiseSummary> Pairwise { get; private init; } = [];

    /// <summary>Gets the robustness drops.</summary>
    public IReadOnlyList<RobustnessDrop> Robustness { get; private init; } = [];

    /// <summary>Gets the primary metric that ranks the worst items, or <see langword="null"/> when none was computed.</summary>
    public string? PrimaryMetric { get; private init; }

    /// <summary>Gets the worst results per candidate by the primary metric (failed calls first).</summary>
    public IReadOnlyList<ItemResult> WorstItems { get; private init; } = [];

    /// <summary>Gets the ids of a seeded random sample of items for human audit.</summary>
    public IReadOnlyList<string> AuditSample { get; private init; } = [];

    /// <summary>Gets the judge's agreement with human ratings, where there are any.</summary>
    public IReadOnlyList<AgreementSummary> Agreement { get; private init; } = [];

    /// <summary>Gets the gate outcomes.</summary>
    public IReadOnlyList<GateResult> Gates { get; private init; } = [];

    /// <summary>Gets a value indicating whether no gate failed.</summary>
    public bool Passed => Gates.All(g => !g.Failed);

    /// <summary>Computes the report of a run.</summary>
    /// <param name="run">The run.</param>
    /// <param name="options">Worst items, sample size, gates, human ratings; defaults when <see langword="null"/>.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="run"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static EvalReport Build(EvalRun run, EvalReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        options ??= new EvalReportOptions();
        options.Validate();
        var baseline = run.Baseline.ToList();
        var metrics = baseline.SelectMany(r => r.Scores.Keys).Distinct(StringComparer.Ordinal).OrderBy(MetricOrder).ThenBy(m => m, StringComparer.Ordinal).ToList();
        var summary = new Dictionary<string, IReadOnlyDictionary<string, MetricSummary>>(StringComparer.Ordinal);
        foreach (var candidate in run.Candidates)
        {
            var mine = baseline.Where(r => r.Candidate == candidate).ToList();
            var perMetric = new Dictionary<string, MetricSummary>(StringComparer.Ordinal);
            foreach (var metric in metrics.Concat(OperationalMetrics))
            {
                perMetric[metric] = MetricSummary.Of([.. mine.Select(r => Value(r, metric)).OfType<double>()]);
            }

            summary[candidate] = perMetric;
        }

        var primary = options.PrimaryMetric ?? s_primaryPreference.FirstOrDefault(metrics.Contains);
        var report = new EvalReport(run)
        {
            Metrics = metrics,
            Summary = summary,
            Errors = run.Candidates.ToDictionary(c => c, c => baseline.Count(r => r.Candidate == c && r.Error is not null), StringComparer.Ordinal),
            Deltas = ComputeDeltas(run, baseline, [.. metrics, "latency_ms"], options.BootstrapResamples),
            Pairwise = PairwiseTallies(run),
            Robustness = Drops(run, metrics),
            PrimaryMetric = primary,
            WorstItems = Worst(run, baseline, primary, options.WorstItems),
            AuditSample = Sample(run, options.AuditSampleSize),
            Agreement = Agreements(run, baseline, options.HumanRatings),
            Gates = EvaluateGates(run, summary, options.Gates),
        };
        return report;
    }

    /// <summary>The value of a metric (quality or operational) in a result, or <see langword="null"/>.</summary>
    /// <param name="result">The result.</param>
    /// <param name="metric">The metric name.</param>
    /// <returns>The value.</returns>
    public static double? Value(ItemResult result, string metric)
    {
        ArgumentNullException.ThrowIfNull(result);
        return metric switch
        {
            "latency_ms" => result.LatencyMs,
            "prompt_tokens" => result.PromptTokens,
            "completion_tokens" => result.CompletionTokens,
            "cost" => result.Cost,
            _ => result.Scores.TryGetValue(metric, out var value) && double.IsFinite(value) ? value : null,
        };
    }

    /// <summary>Maps a normalized judge score in [0, 1] to the 1–5 Likert scale humans rate on.</summary>
    /// <param name="normalized">The normalized score.</param>
    /// <returns>round(1 + 4 · score).</returns>
    public static int ToLikert(double normalized) => (int)Math.Round(1 + (4 * Math.Clamp(normalized, 0, 1)), MidpointRounding.AwayFromZero);

    private static int MetricOrder(string metric)
    {
        var known = new List<string>(EvalMetricNames.ReferenceDefaults) { EvalMetricNames.Semantic, EvalMetricNames.JsonValid, EvalMetricNames.HitRate, EvalMetricNames.Mrr, EvalMetricNames.Judge };
        var index = known.IndexOf(metric);
        return index >= 0 ? index : known.Count;
    }

    private static List<MetricDelta> ComputeDeltas(EvalRun run, List<ItemResult> baseline, List<string> metrics, int resamples)
    {
        var deltas = new List<MetricDelta>();
        if (run.Candidates.Count < 2)
        {
            return deltas;
        }

        var a = run.Candidates[0];
        var byKey = baseline.ToDictionary(r => (r.Candidate, r.ItemId));
        foreach (var b in run.Candidates.Skip(1))
        {
            foreach (var metric in metrics)
            {
                var differences = new List<double>();
                foreach (var item in run.Items)
                {
                    if (byKey.TryGetValue((a, item.Id), out var ra) && byKey.TryGetValue((b, item.Id), out var rb)
                        && Value(ra, metric) is { } va && Value(rb, metric) is { } vb)
                    {
                        differences.Add(vb - va);
                    }
                }

                if (differences.Count == 0)
                {
                    continue;
                }

                var (lower, upper) = Bootstrap.MeanInterval(differences, StableSeed.Derive(run.Seed, a, b, metric), resamples);
                deltas.Add(new MetricDelta(metric, a, b, differences.Average(), lower, upper, differences.Count));
            }
        }

        return deltas;
    }

    private static List<PairwiseSummary> PairwiseTallies(EvalRun run) =>
        [.. run.Pairwise.GroupBy(p => (p.CandidateA, p.CandidateB)).Select(g =>
        {
            var judged = g.Where(p => p.Winner is not null).ToList();
            return new PairwiseSummary(
                g.Key.CandidateA, g.Key.CandidateB,
                judged.Count(p => p.Winner == PairwiseWinner.A), judged.Count(p => p.Winner == PairwiseWinner.B), judged.Count(p => p.Winner == PairwiseWinner.Tie),
                g.Count() - judged.Count, judged.Count == 0 ? double.NaN : judged.Average(p => p.Consistent ? 1.0 : 0.0));
        })];

    private static List<RobustnessDrop> Drops(EvalRun run, List<string> metrics)
    {
        var drops = new List<RobustnessDrop>();
        var byKey = run.Results.ToDictionary(r => (r.Candidate, r.ItemId, r.Variant));
        foreach (var group in run.Results.Where(r => r.Variant is not null).GroupBy(r => (r.Candidate, Variant: r.Variant!)).OrderBy(g => g.Key.Candidate, StringComparer.Ordinal).ThenBy(g => g.Key.Variant, StringComparer.Ordinal))
        {
            var errorRate = group.Average(r => r.Error is null ? 0.0 : 1.0);
            foreach (var metric in metrics)
            {
                var pairs = group
                    .Select(v => (original: byKey.GetValueOrDefault((group.Key.Candidate, v.ItemId, (string?)null)), variant: v))
                    .Where(p => p.original is not null && Value(p.original, metric) is not null && Value(p.variant, metric) is not null)
                    .ToList();
                if (pairs.Count > 0)
                {
                    drops.Add(new RobustnessDrop(group.Key.Candidate, group.Key.Variant, metric,
                        pairs.Average(p => Value(p.original!, metric)!.Value), pairs.Average(p => Value(p.variant, metric)!.Value), errorRate));
                }
            }
        }

        return drops;
    }

    private static List<ItemResult> Worst(EvalRun run, List<ItemResult> baseline, string? primary, int count) =>
        [.. run.Candidates.SelectMany(candidate => baseline
            .Where(r => r.Candidate == candidate)
            .OrderBy(r => r.Error is null ? 1 : 0)
            .ThenBy(r => primary is null ? 0 : Value(r, primary) ?? double.MaxValue)
            .ThenBy(r => r.ItemId, StringComparer.Ordinal)
            .Take(count))];

    private static List<string> Sample(EvalRun run, int size)
    {
        var ids = run.Items.Select(i => i.Id).ToArray();
        var random = new Random(StableSeed.Derive(run.Seed, "audit"));
        var take = Math.Min(size, ids.Length);
        for (var i = 0; i < take; i++)
        {
            var j = random.Next(i, ids.Length);
            (ids[i], ids[j]) = (ids[j], ids[i]);
        }

        return [.. ids.Take(take)];
    }

    private static List<AgreementSummary> Agreements(EvalRun run, List<ItemResult> baseline, IList<HumanRating> ratings)
    {
        var agreements = new List<AgreementSummary>();
        var judged = baseline.Where(r => r.Scores.ContainsKey(EvalMetricNames.Judge)).ToDictionary(r => (r.Candidate, r.ItemId));

        var auditLikert = ratings.Where(r => r.Likert is not null && judged.ContainsKey((r.Candidate, r.ItemId)))
            .Select(r => (human: r.Likert!.Value, judge: ToLikert(judged[(r.Candidate, r.ItemId)].Scores[EvalMetricNames.Judge]))).ToList();
        Add(agreements, "likert", "audit", auditLikert);

        var labelLikert = new List<(int, int)>();
        var labelPairwise = new List<(PairwiseWinner, PairwiseWinner)>();
        foreach (var item in run.Items)
        {
            if (item.Labels.TryGetValue("human_score", out var score) && score.ValueKind == JsonValueKind.Number && score.TryGetInt32(out var human))
            {
                labelLikert.AddRange(run.Candidates.Where(c => judged.ContainsKey((c, item.Id)))
                    .Select(c => (human, ToLikert(judged[(c, item.Id)].Scores[EvalMetricNames.Judge]))));
            }

            if (item.Labels.TryGetValue("human_preference", out var preference) && preference.ValueKind == JsonValueKind.String
                && ParseWinner(preference.GetString()) is { } wanted
                && run.Pairwise.FirstOrDefault(p => p.ItemId == item.Id && p.Winner is not null) is { } verdict)
            {
                labelPairwise.Add((wanted, verdict.Winner!.Value));
            }
        }

        Add(agreements, "likert", "labels", labelLikert);
        var auditPairwise = ratings.Where(r => r.Preference is not null)
            .Select(r => (human: r.Preference!.Value, judge: run.Pairwise.FirstOrDefault(p => p.ItemId == r.ItemId && p.CandidateB == r.Candidate)?.Winner))
            .Where(p => p.judge is not null).Select(p => (p.human, p.judge!.Value)).ToList();
        Add(agreements, "pairwise", "audit", auditPairwise);
        Add(agreements, "pairwise", "labels", labelPairwise);
        return agreements;
    }

    private static void Add<T>(List<AgreementSummary> agreements, string kind, string source, List<(T Human, T Judge)> pairs)
        where T : notnull
    {
        if (pairs.Count > 0)
        {
            var kappa = CohensKappa.Compute(pairs.Select(p => p.Human).ToList(), pairs.Select(p => p.Judge).ToList());
            agreements.Add(new AgreementSummary(kind, source, kappa, pairs.Average(p => EqualityComparer<T>.Default.Equals(p.Human, p.Judge) ? 1.0 : 0.0), pairs.Count));
        }
    }

    private static PairwiseWinner? ParseWinner(string? text) => text?.Trim().ToUpperInvariant() switch
    {
        "A" => PairwiseWinner.A,
        "B" => PairwiseWinner.B,
        "TIE" => PairwiseWinner.Tie,
        _ => null,
    };

    private static List<GateResult> EvaluateGates(EvalRun run, Dictionary<string, IReadOnlyDictionary<string, MetricSummary>> summary, IList<FailIfGate> gates)
    {
        var results = new List<GateResult>();
        foreach (var gate in gates)
        {
            var candidates = gate.Candidate is null ? run.Candidates : [gate.Candidate];
            foreach (var candidate in candidates)
            {
                var value = summary.TryGetValue(candidate, out var metrics) && metrics.TryGetValue(gate.Metric, out var s) ? s.Mean : double.NaN;
                results.Add(new GateResult(gate.Expression, candidate, value, gate.FailsOn(value)));
            }
        }

        return results;
    }
}
