namespace Agents.Evaluation;

/// <summary>The names of the metrics the runner computes, as they appear in results and reports.</summary>
public static class EvalMetricNames
{
    /// <summary>Exact match (<see cref="Evaluation.ExactMatch"/>).</summary>
    public const string ExactMatch = "exact_match";

    /// <summary>Token F1 (<see cref="Evaluation.TokenF1"/>).</summary>
    public const string TokenF1 = "token_f1";

    /// <summary>Sentence BLEU with epsilon smoothing (<see cref="Evaluation.Bleu"/>).</summary>
    public const string Bleu = "bleu";

    /// <summary>ROUGE-1 F (<see cref="Evaluation.Rouge"/>).</summary>
    public const string Rouge1 = "rouge1";

    /// <summary>ROUGE-2 F.</summary>
    public const string Rouge2 = "rouge2";

    /// <summary>ROUGE-L F.</summary>
    public const string RougeL = "rougeL";

    /// <summary>JSON-schema conformance, 1 or 0 (<see cref="JsonSchemaConformance"/>).</summary>
    public const string JsonValid = "json_valid";

    /// <summary>Semantic similarity F1 (<see cref="SemanticSimilarity"/>).</summary>
    public const string Semantic = "semantic";

    /// <summary>Retrieval hit at k, 1 or 0 (<see cref="RetrievalMetrics"/>).</summary>
    public const string HitRate = "hit_rate";

    /// <summary>Retrieval reciprocal rank.</summary>
    public const string Mrr = "mrr";

    /// <summary>The rubric judge's normalized score; per criterion as "judge.&lt;criterion&gt;" on the rubric's scale.</summary>
    public const string Judge = "judge";

    /// <summary>The reference-based metrics the runner computes by default.</summary>
    public static IReadOnlyList<string> ReferenceDefaults { get; } = [ExactMatch, TokenF1, Bleu, Rouge1, Rouge2, RougeL];
}
