using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agents.Evaluation;

/// <summary>
/// Runs a dataset through one or more candidates side by side, scores every answer and appends each result to
/// results.jsonl as soon as it is scored. A rerun over the same output folder skips the (candidate, item, variant)
/// triples already there, so an interrupted run resumes where it stopped. Seeds are derived from the run seed and the
/// item id, so reruns and candidates see the same seeds.
/// </summary>
/// <remarks>
/// Concurrency is bounded by <see cref="EvalRunnerOptions.MaxConcurrency"/>; to respect a provider's request and token
/// limits, put the rate-limiting middleware (<c>UseRateLimiting</c>) into the candidates' pipelines.
/// </remarks>
public sealed class EvalRunner
{
    /// <summary>The file of item results in the output folder.</summary>
    public const string ResultsFileName = "results.jsonl";

    /// <summary>The file of pairwise judgements in the output folder.</summary>
    public const string PairwiseFileName = "pairwise.jsonl";

    private readonly EvalRunnerOptions _options;
    private readonly ILogger _logger;
    private readonly JsonSchemaConformance? _schema;
    private readonly SemanticSimilarity? _similarity;

    /// <summary>Creates a runner.</summary>
    /// <param name="options">The run's options; read once here.</param>
    /// <param name="logger">Receives progress and failures (no prompt or output text); none by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid; every problem is listed.</exception>
    public EvalRunner(EvalRunnerOptions options, ILogger<EvalRunner>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = Snapshot(options);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _schema = options.JsonSchema is null ? null : new JsonSchemaConformance(options.JsonSchema);
        _similarity = options.Embedder is null ? null : new SemanticSimilarity(options.Embedder);
    }

    /// <summary>Runs (or resumes) the evaluation.</summary>
    /// <param name="items">The dataset.</param>
    /// <param name="candidates">The candidates; the first is the baseline of comparisons.</param>
    /// <param name="cancellationToken">Stops the run; results already appended stay and a rerun resumes from them.</param>
    /// <returns>All results of these items and candidates.</returns>
    /// <exception cref="ArgumentException">No item or candidate, or two candidates with one name.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task<EvalRun> RunAsync(IReadOnlyList<EvalItem> items, IReadOnlyList<EvalCandidate> candidates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(candidates);
        if (items.Count == 0 || candidates.Count == 0)
        {
            throw new ArgumentException("A run needs at least one item and one candidate.", items.Count == 0 ? nameof(items) : nameof(candidates));
        }

        if (candidates.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw new ArgumentException($"Two candidates are named '{duplicate.Key}'.", nameof(candidates));
        }

        Directory.CreateDirectory(_options.OutputDirectory);
        using var results = new JsonLinesStore<ItemResult>(Path.Combine(_options.OutputDirectory, ResultsFileName));
        using var pairwise = new JsonLinesStore<PairwiseResult>(Path.Combine(_options.OutputDirectory, PairwiseFileName));
        var existing = results.ReadAll();
        var done = existing.Select(Key).ToHashSet(StringComparer.Ordinal);
        var variants = new List<AdversarialKind?> { null };
        variants.AddRange((_options.Robustness?.Variants ?? []).Distinct().Select(v => (AdversarialKind?)v));
        var work = (from item in items
                    from candidate in candidates
                    from variant in variants
                    where !done.Contains(Key(candidate.Name, item.Id, variant?.ToString()))
                    select (item, candidate, variant)).ToList();
        EvalRunnerLog.RunStarting(_logger, work.Count, existing.Count, results.Path);

        var fresh = new List<ItemResult>();
        await Parallel.ForEachAsync(
            work,
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken },
            async (job, token) =>
            {
                var result = await RunOneAsync(job.item, job.candidate, job.variant, token).ConfigureAwait(false);
                await results.AppendAsync(result, token).ConfigureAwait(false);
                lock (fresh)
                {
                    fresh.Add(result);
                }
            }).ConfigureAwait(false);

        var itemIds = items.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var names = candidates.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var all = existing.Concat(fresh)
            .Where(r => itemIds.Contains(r.ItemId) && names.Contains(r.Candidate))
            .GroupBy(Key, StringComparer.Ordinal).Select(g => g.Last())
            .OrderBy(r => r.Candidate, StringComparer.Ordinal).ThenBy(r => r.ItemId, StringComparer.Ordinal).ThenBy(r => r.Variant, StringComparer.Ordinal)
            .ToList();
        var judged = await JudgePairsAsync(items, candidates, all, pairwise, cancellationToken).ConfigureAwait(false);
        return new EvalRun(items, [.. candidates.Select(c => c.Name)], all, judged, _options.Seed);
    }

    // The runner keeps its own copy: later changes to the caller's options do not reach a run in progress.
    private static EvalRunnerOptions Snapshot(EvalRunnerOptions options) => new()
    {
        OutputDirectory = options.OutputDirectory,
        MaxConcurrency = options.MaxConcurrency,
        Seed = options.Seed,
        Metrics = [.. options.Metrics],
        JsonSchema = options.JsonSchema,
        Embedder = options.Embedder,
        RubricJudge = options.RubricJudge,
        PairwiseJudge = options.PairwiseJudge,
        Robustness = options.Robustness is { } robustness
            ? new RobustnessOptions
            {
                Variants = [.. robustness.Variants],
                IrrelevantContextCharacters = robustness.IrrelevantContextCharacters,
                OversizedCharacters = robustness.OversizedCharacters,
            }
            : null,
        RetrievedIds = options.RetrievedIds,
        RetrievalK = options.RetrievalK,
        TimeProvider = options.TimeProvider,
    };

    private static string Key(ItemResult result) => Key(result.Candidate, result.ItemId, result.Variant);

    private static string Key(string candidate, string itemId, string? variant) => $"{candidate}\u0001{itemId}\u0001{variant}";

    private async Task<ItemResult> RunOneAsync(EvalItem item, EvalCandidate candidate, AdversarialKind? variant, CancellationToken cancellationToken)
    {
        var seed = StableSeed.Derive(_options.Seed, item.Id, variant?.ToString());
        var input = variant is { } kind ? AdversarialVariants.Create(item.Input, kind, seed, _options.Robustness) : item.Input;
        var options = candidate.Options?.Clone() ?? new GenerationOptions();
        options.Seed ??= seed;
        var messages = new List<Message>();
        if (candidate.SystemPrompt is { Length: > 0 } system)
        {
            messages.Add(Message.System(system));
        }

        messages.Add(Message.User(input));
        var clock = _options.TimeProvider;
        var started = clock.GetTimestamp();
        GenerationResult? generated = null;
        string? error = null;
        try
        {
            generated = await candidate.Generator.GenerateAsync(new GenerationRequest(messages, options), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is GeneratorException or ArgumentException or InvalidOperationException or OperationCanceledException or HttpRequestException or TimeoutException)
        {
            // A failure is a result: the robustness pass expects some (empty and oversized inputs).
            error = $"{e.GetType().Name}: {e.Message}";
            EvalRunnerLog.CallFailed(_logger, candidate.Name, item.Id, variant?.ToString() ?? "none", e.GetType().Name);
        }

        var latency = clock.GetElapsedTime(started).TotalMilliseconds;
        var output = generated?.Text;
        var scores = await ScoreAsync(item, output ?? string.Empty, generated, cancellationToken).ConfigureAwait(false);
        string? rationale = null;
        if (_options.RubricJudge is { } judge && output is not null)
        {
            try
            {
                var verdict = await judge.ScoreAsync(item.Input, output, item.Reference, cancellationToken).ConfigureAwait(false);
                scores[EvalMetricNames.Judge] = verdict.NormalizedScore;
                foreach (var criterion in verdict.Scores)
                {
                    scores[$"{EvalMetricNames.Judge}.{criterion.Criterion}"] = criterion.Score;
                }

                rationale = verdict.Rationale;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (GeneratorException e)
            {
                rationale = $"judge failed: {e.Message}";
                EvalRunnerLog.JudgeFailed(_logger, candidate.Name, item.Id);
            }
        }

        var usage = generated?.Usage;
        return new ItemResult
        {
            Candidate = candidate.Name,
            ItemId = item.Id,
            Variant = variant?.ToString(),
            Output = output,
            Error = error,
            LatencyMs = Math.Round(latency, 3),
            PromptTokens = usage?.PromptTokens ?? 0,
            CompletionTokens = usage?.CompletionTokens ?? 0,
            Cost = candidate.Cost(usage?.PromptTokens ?? 0, usage?.CompletionTokens ?? 0),
            Seed = options.Seed ?? seed,
            Scores = scores,
            JudgeRationale = rationale,
        };
    }

    private async Task<Dictionary<string, double>> ScoreAsync(EvalItem item, string output, GenerationResult? generated, CancellationToken cancellationToken)
    {
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        if (item.References.Count > 0)
        {
            foreach (var metric in _options.Metrics)
            {
                scores[metric] = metric switch
                {
                    EvalMetricNames.ExactMatch => ExactMatch.Score(output, item.References),
                    EvalMetricNames.TokenF1 => TokenF1.Score(output, item.References),
                    EvalMetricNames.Bleu => Bleu.Sentence(output, item.References, new BleuOptions { Smoothing = BleuSmoothing.Epsilon }).Score,
                    _ => Rouge.BestF(output, item.References, metric),
                };
            }

            if (_similarity is not null)
            {
                var best = 0.0;
                foreach (var reference in item.References)
                {
                    best = Math.Max(best, (await _similarity.ScoreAsync(output, reference, cancellationToken).ConfigureAwait(false)).F1);
                }

                scores[EvalMetricNames.Semantic] = best;
            }
        }

        if (_schema is not null)
        {
            scores[EvalMetricNames.JsonValid] = _schema.Score(output);
        }

        if (_options.RetrievedIds is { } retrievedIds && item.Labels.TryGetValue("relevant", out var relevantElement) && relevantElement.ValueKind == JsonValueKind.Array)
        {
            var relevant = relevantElement.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal);
            var retrieved = (generated is null ? null : retrievedIds(generated)) ?? [];
            var judgement = new RetrievalJudgement(retrieved, relevant);
            scores[EvalMetricNames.HitRate] = RetrievalMetrics.HitRate([judgement], _options.RetrievalK);
            scores[EvalMetricNames.Mrr] = RetrievalMetrics.MeanReciprocalRank([judgement], _options.RetrievalK);
        }

        return scores;
    }

    private async Task<IReadOnlyList<PairwiseResult>> JudgePairsAsync(
        IReadOnlyList<EvalItem> items, IReadOnlyList<EvalCandidate> candidates, List<ItemResult> results, JsonLinesStore<PairwiseResult> store, CancellationToken cancellationToken)
    {
        var existing = store.ReadAll();
        if (_options.PairwiseJudge is not { } judge || candidates.Count < 2)
        {
            return existing;
        }

        var done = existing.Select(p => Key(p.CandidateA + "\u0002" + p.CandidateB, p.ItemId, null)).ToHashSet(StringComparer.Ordinal);
        var outputs = results.Where(r => r.Variant is null && r.Output is not null).ToDictionary(r => Key(r.Candidate, r.ItemId, null), r => r.Output!, StringComparer.Ordinal);
        var baseline = candidates[0].Name;
        var work = (from item in items
                    from other in candidates.Skip(1)
                    where !done.Contains(Key(baseline + "\u0002" + other.Name, item.Id, null))
                    where outputs.ContainsKey(Key(baseline, item.Id, null)) && outputs.ContainsKey(Key(other.Name, item.Id, null))
                    select (item, other)).ToList();
        var fresh = new List<PairwiseResult>();
        await Parallel.ForEachAsync(
            work,
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken },
            async (job, token) =>
            {
                PairwiseResult result;
                try
                {
                    var verdict = await judge.CompareAsync(
                        job.item.Input, outputs[Key(baseline, job.item.Id, null)], outputs[Key(job.other.Name, job.item.Id, null)], job.item.Reference, token).ConfigureAwait(false);
                    result = new PairwiseResult
                    {
                        ItemId = job.item.Id, CandidateA = baseline, CandidateB = job.other.Name, Winner = verdict.Winner,
                        Consistent = verdict.Consistent, Rationale = $"A first: {verdict.FirstRationale} | B first: {verdict.SwappedRationale}",
                    };
                }
                catch (GeneratorException e)
                {
                    result = new PairwiseResult { ItemId = job.item.Id, CandidateA = baseline, CandidateB = job.other.Name, Rationale = $"judge failed: {e.Message}" };
                }

                await store.AppendAsync(result, token).ConfigureAwait(false);
                lock (fresh)
                {
                    fresh.Add(result);
                }
            }).ConfigureAwait(false);
        return [.. existing.Concat(fresh).OrderBy(p => p.CandidateB, StringComparer.Ordinal).ThenBy(p => p.ItemId, StringComparer.Ordinal)];
    }
}
