namespace Agents.Safety.Validation;

/// <summary>What one pass of every validator over an answer found, grouped by the policy that applies.</summary>
internal sealed class ValidationVerdict
{
    public required string Text { get; init; }

    public List<ValidationViolation> Redacted { get; } = [];

    public List<(ValidatorRegistration Registration, ValidationViolation Violation)> Rejected { get; } = [];

    public List<(ValidatorRegistration Registration, ValidationViolation Violation)> ToRepair { get; } = [];

    public List<(ValidatorRegistration Registration, ValidationViolation Violation)> ToFallBack { get; } = [];

    public bool HasBlockingViolations => Rejected.Count > 0 || ToRepair.Count > 0 || ToFallBack.Count > 0;
}
