using System.Diagnostics.Metrics;

namespace Agents.Safety.Validation;

/// <summary>Options of <see cref="ValidationGenerator"/>: the validators, each with its policy, and how policies behave.</summary>
public sealed class ValidationOptions
{
    /// <summary>The most repair attempts allowed.</summary>
    public const int MaxRepairAttemptsLimit = 10;

    /// <summary>The default <see cref="RepairInstructions"/>.</summary>
    public const string DefaultRepairInstructions =
        "Your previous answer was rejected by automatic checks for these reasons:";

    /// <summary>Gets the validators, in the order they run, each with its policy.</summary>
    public IList<ValidatorRegistration> Validators { get; } = [];

    /// <summary>Gets or sets how many times a <see cref="ValidationPolicy.Repair"/> violation re-asks the inner generator before rejecting.</summary>
    /// <value>2 by default; 0 to <see cref="MaxRepairAttemptsLimit"/>.</value>
    public int MaxRepairAttempts { get; set; } = 2;

    /// <summary>Gets or sets the text that opens the repair message sent back to the model; the violations follow it, one a line.</summary>
    /// <value><see cref="DefaultRepairInstructions"/>.</value>
    public string RepairInstructions { get; set; } = DefaultRepairInstructions;

    /// <summary>Gets or sets the answer given instead when a <see cref="ValidationPolicy.Fallback"/> validator finds a violation.</summary>
    /// <value><see langword="null"/> by default; required when any validator uses <see cref="ValidationPolicy.Fallback"/>.</value>
    public string? FallbackMessage { get; set; }

    /// <summary>Gets or sets how many characters of a stream are held back until the incremental validators have seen what follows them.</summary>
    /// <value>
    /// <see langword="null"/> by default: the largest <see cref="IIncrementalOutputValidator.MaxViolationLength"/> of the
    /// validators; at least 0. A violation longer than the window may have its beginning released before it is found.
    /// </value>
    public int? HoldBackCharacters { get; set; }

    /// <summary>Gets or sets whether log events may include the offending text.</summary>
    /// <value><see langword="false"/> by default: the text may hold the very personal data that was caught.</value>
    public bool EnableSensitiveData { get; set; }

    /// <summary>Gets or sets the meter factory for the validation metrics.</summary>
    /// <value><see langword="null"/>: the services' <see cref="IMeterFactory"/>, else a private meter.</value>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>Adds a validator with its policy.</summary>
    /// <param name="validator">The validator.</param>
    /// <param name="policy">What happens on a violation.</param>
    /// <returns>These options.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="validator"/> is <see langword="null"/>.</exception>
    public ValidationOptions Add(IOutputValidator validator, ValidationPolicy policy = ValidationPolicy.Reject)
    {
        ArgumentNullException.ThrowIfNull(validator);
        Validators.Add(new ValidatorRegistration(validator, policy));
        return this;
    }

    /// <summary>Checks the options, reporting every problem at once.</summary>
    /// <exception cref="ArgumentException">One or more options are invalid; the message lists each, naming the option.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (Validators.Count == 0)
        {
            errors.Add($"{nameof(Validators)}: add at least one validator.");
        }

        for (var i = 0; i < Validators.Count; i++)
        {
            var registration = Validators[i];
            if (registration?.Validator is null)
            {
                errors.Add($"{nameof(Validators)}[{i}]: the validator is null.");
                continue;
            }

            if (!Enum.IsDefined(registration.Policy))
            {
                errors.Add($"{nameof(Validators)}[{i}] ({registration.Validator.Name}): policy {(int)registration.Policy} is not a {nameof(ValidationPolicy)}.");
            }

            if (registration.Policy == ValidationPolicy.Redact && !registration.IsIncremental)
            {
                errors.Add($"{nameof(Validators)}[{i}] ({registration.Validator.Name}): {nameof(ValidationPolicy.Redact)} needs a validator that locates spans ({nameof(IIncrementalOutputValidator)}).");
            }

            if (registration.Policy == ValidationPolicy.Fallback && string.IsNullOrEmpty(FallbackMessage))
            {
                errors.Add($"{nameof(FallbackMessage)}: required because {nameof(Validators)}[{i}] ({registration.Validator.Name}) uses {nameof(ValidationPolicy.Fallback)}.");
            }
        }

        if (MaxRepairAttempts is < 0 or > MaxRepairAttemptsLimit)
        {
            errors.Add($"{nameof(MaxRepairAttempts)}: must be in [0, {MaxRepairAttemptsLimit}]; it is {MaxRepairAttempts}.");
        }

        if (HoldBackCharacters is < 0)
        {
            errors.Add($"{nameof(HoldBackCharacters)}: must be at least 0; it is {HoldBackCharacters}.");
        }

        if (RepairInstructions is null)
        {
            errors.Add($"{nameof(RepairInstructions)}: must not be null.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid validation options: " + string.Join(" ", errors), nameof(ValidationOptions));
        }
    }

    /// <summary>Gets the hold-back window that applies: <see cref="HoldBackCharacters"/>, or what the validators need.</summary>
    /// <returns>The window in characters.</returns>
    public int GetEffectiveHoldBack() =>
        HoldBackCharacters ?? Validators.Select(r => r.Validator).OfType<IIncrementalOutputValidator>()
            .Select(v => v.MaxViolationLength).DefaultIfEmpty(0).Max();
}
