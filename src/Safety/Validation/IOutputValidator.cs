namespace Agents.Safety.Validation;

/// <summary>
/// Checks a generated answer and reports what is wrong with it. Used by <see cref="ValidationGenerator"/>, which
/// decides what happens on a violation (reject, redact, repair or fall back) from the policy it was given.
/// </summary>
/// <remarks>Implementations are stateless per call and safe to call concurrently.</remarks>
public interface IOutputValidator
{
    /// <summary>Gets the validator's name, used in violations, exceptions, log events and metric tags.</summary>
    string Name { get; }

    /// <summary>Checks the whole answer in <paramref name="context"/>.</summary>
    /// <param name="context">The answer and the request that produced it.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Every violation found; empty when the answer passes.</returns>
    ValueTask<IReadOnlyList<ValidationViolation>> ValidateAsync(ValidationContext context, CancellationToken cancellationToken = default);
}
