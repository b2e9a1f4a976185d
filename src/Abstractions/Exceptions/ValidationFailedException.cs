namespace Agents;

/// <summary>An output validator rejected a response (and any repair attempts ran out).</summary>
public sealed class ValidationFailedException : GeneratorException
{
    /// <summary>Creates the exception.</summary>
    public ValidationFailedException()
        : this("unknown", [])
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ValidationFailedException(string message)
        : base(message)
    {
        Validator = "unknown";
        Violations = [];
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The failure behind it.</param>
    public ValidationFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Validator = "unknown";
        Violations = [];
    }

    /// <summary>Creates the exception from the validator's findings.</summary>
    /// <param name="validator">The validator's name.</param>
    /// <param name="violations">What it found wrong.</param>
    /// <param name="innerException">The failure behind it.</param>
    public ValidationFailedException(string validator, IReadOnlyList<string> violations, Exception? innerException = null)
        : base($"Validator '{validator}' rejected the response: {string.Join("; ", violations ?? [])}", innerException)
    {
        Validator = validator;
        Violations = violations ?? [];
    }

    /// <summary>Gets the name of the validator that rejected the response.</summary>
    public string Validator { get; }

    /// <summary>Gets what the validator found wrong.</summary>
    public IReadOnlyList<string> Violations { get; }
}
