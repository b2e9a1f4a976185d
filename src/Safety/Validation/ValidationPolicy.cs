namespace Agents.Safety.Validation;

/// <summary>What <see cref="ValidationGenerator"/> does when a validator finds a violation.</summary>
public enum ValidationPolicy
{
    /// <summary>Throw <see cref="ValidationFailedException"/> listing every violation.</summary>
    Reject,

    /// <summary>Replace each offending span with its replacement text; only for <see cref="IIncrementalOutputValidator"/>s.</summary>
    Redact,

    /// <summary>
    /// Ask the inner generator again with the violations explained, up to
    /// <see cref="ValidationOptions.MaxRepairAttempts"/> times, then reject.
    /// </summary>
    Repair,

    /// <summary>Answer with <see cref="ValidationOptions.FallbackMessage"/> instead.</summary>
    Fallback,
}
