using Microsoft.Extensions.AI.Evaluation;

namespace Agents.Evaluation;

/// <summary>The reference answer passed to the interop evaluators as additional context.</summary>
public sealed class ReferenceContext : EvaluationContext
{
    /// <summary>The context's name.</summary>
    public const string ContextName = "Reference answer (Agents.Evaluation)";

    /// <summary>Creates the context.</summary>
    /// <param name="reference">The reference answer.</param>
    /// <exception cref="ArgumentNullException"><paramref name="reference"/> is <see langword="null"/>.</exception>
    public ReferenceContext(string reference)
        : base(ContextName, reference ?? throw new ArgumentNullException(nameof(reference))) => Reference = reference;

    /// <summary>Gets the reference answer.</summary>
    public string Reference { get; }
}
