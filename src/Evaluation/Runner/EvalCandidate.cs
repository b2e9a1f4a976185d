namespace Agents.Evaluation;

/// <summary>
/// One configuration compared in a run: a generator pipeline (a model, with or without some middleware), a system
/// prompt and decoding options. Add <c>UseRateLimiting</c>, retries and the like to the pipeline itself.
/// </summary>
public sealed class EvalCandidate
{
    /// <summary>Creates a candidate.</summary>
    /// <param name="name">A unique, short name used in reports ("baseline", "q4-model").</param>
    /// <param name="generator">The generator pipeline.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is <see langword="null"/>.</exception>
    public EvalCandidate(string name, IGenerator generator)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(generator);
        Name = name;
        Generator = generator;
    }

    /// <summary>Gets the name.</summary>
    public string Name { get; }

    /// <summary>Gets the generator pipeline.</summary>
    public IGenerator Generator { get; }

    /// <summary>Gets or sets the system prompt sent before every input.</summary>
    /// <value><see langword="null"/>: none.</value>
    public string? SystemPrompt { get; set; }

    /// <summary>Gets or sets the decoding options (cloned per item; the seed is filled in per item when unset).</summary>
    /// <value><see langword="null"/>: the generator's defaults.</value>
    public GenerationOptions? Options { get; set; }

    /// <summary>Gets or sets the price of a million prompt tokens, for the cost column.</summary>
    /// <value>0.</value>
    public decimal PromptTokenPricePerMillion { get; set; }

    /// <summary>Gets or sets the price of a million completion tokens, for the cost column.</summary>
    /// <value>0.</value>
    public decimal CompletionTokenPricePerMillion { get; set; }

    /// <summary>The cost of one call: (prompt · prompt price + completion · completion price) / 1,000,000.</summary>
    /// <param name="promptTokens">Prompt tokens.</param>
    /// <param name="completionTokens">Completion tokens.</param>
    /// <returns>The cost in the prices' currency.</returns>
    public double Cost(int promptTokens, int completionTokens) =>
        (double)(((promptTokens * PromptTokenPricePerMillion) + (completionTokens * CompletionTokenPricePerMillion)) / 1_000_000m);
}
