using Microsoft.Extensions.AI;

namespace Agents.Evaluation;

/// <summary>Options of <see cref="EvalRunner"/>.</summary>
public sealed class EvalRunnerOptions
{
    /// <summary>Gets or sets the folder that receives results.jsonl and pairwise.jsonl; a rerun over the same folder resumes.</summary>
    /// <value>Empty: must be set.</value>
    public string OutputDirectory { get; set; } = string.Empty;

    /// <summary>Gets or sets how many generator calls run at once across all candidates.</summary>
    /// <value>4.</value>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Gets or sets the run seed; each item's generation seed is derived from it and the item id (the same for every candidate).</summary>
    /// <value>42.</value>
    public int Seed { get; set; } = 42;

    /// <summary>Gets or sets the reference-based metrics computed when an item has a reference (see <see cref="EvalMetricNames"/>).</summary>
    /// <value><see cref="EvalMetricNames.ReferenceDefaults"/>.</value>
    public IList<string> Metrics { get; set; } = [.. EvalMetricNames.ReferenceDefaults];

    /// <summary>Gets or sets a JSON schema every output must conform to ("json_valid").</summary>
    /// <value><see langword="null"/>: not checked.</value>
    public string? JsonSchema { get; set; }

    /// <summary>Gets or sets the embedding model for "semantic".</summary>
    /// <value><see langword="null"/>: not computed.</value>
    public IEmbeddingGenerator<string, Embedding<float>>? Embedder { get; set; }

    /// <summary>Gets or sets the rubric judge ("judge", "judge.&lt;criterion&gt;").</summary>
    /// <value><see langword="null"/>: no rubric judging.</value>
    public RubricJudge? RubricJudge { get; set; }

    /// <summary>Gets or sets the pairwise judge, comparing the first candidate with each other one.</summary>
    /// <value><see langword="null"/>: no pairwise judging.</value>
    public PairwiseJudge? PairwiseJudge { get; set; }

    /// <summary>Gets or sets the robustness pass; every item is also run as each variant.</summary>
    /// <value><see langword="null"/>: no robustness pass.</value>
    public RobustnessOptions? Robustness { get; set; }

    /// <summary>
    /// Gets or sets how to read the retrieved ids from a result, for "hit_rate" and "mrr" on items labelled
    /// "relevant" (an array of ids). With Agents.Rag: the sources of the citations under <c>RetrievalGenerator.CitationsKey</c>.
    /// </summary>
    /// <value><see langword="null"/>: no retrieval metrics.</value>
    public Func<GenerationResult, IReadOnlyList<string>?>? RetrievedIds { get; set; }

    /// <summary>Gets or sets the k of hit rate@k and MRR@k.</summary>
    /// <value>5.</value>
    public int RetrievalK { get; set; } = 5;

    /// <summary>Gets or sets the clock used to measure latency.</summary>
    /// <value><see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(OutputDirectory))
        {
            errors.Add("OutputDirectory is required.");
        }

        if (MaxConcurrency is < 1 or > 256)
        {
            errors.Add($"MaxConcurrency must be in [1, 256]; it is {MaxConcurrency}.");
        }

        var known = new HashSet<string>(EvalMetricNames.ReferenceDefaults, StringComparer.Ordinal);
        var unknown = (Metrics ?? []).Where(m => !known.Contains(m)).ToList();
        if (Metrics is null || unknown.Count > 0)
        {
            errors.Add($"Metrics may only name {string.Join(", ", known)}; unknown: {string.Join(", ", unknown)}.");
        }

        if (RetrievalK < 1)
        {
            errors.Add($"RetrievalK must be at least 1; it is {RetrievalK}.");
        }

        if (TimeProvider is null)
        {
            errors.Add("TimeProvider must not be null.");
        }

        try
        {
            Robustness?.Validate();
        }
        catch (ArgumentException e)
        {
            errors.Add(e.Message);
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid EvalRunnerOptions: " + string.Join(" ", errors));
        }
    }
}
