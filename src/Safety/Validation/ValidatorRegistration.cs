namespace Agents.Safety.Validation;

/// <summary>A validator and the policy applied to its violations.</summary>
/// <param name="Validator">The validator.</param>
/// <param name="Policy">What happens when it finds a violation.</param>
public sealed record ValidatorRegistration(IOutputValidator Validator, ValidationPolicy Policy)
{
    /// <summary>Gets whether the validator can check a stream piece by piece.</summary>
    public bool IsIncremental => Validator is IIncrementalOutputValidator;
}
