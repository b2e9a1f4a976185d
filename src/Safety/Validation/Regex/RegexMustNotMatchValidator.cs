using System.Text.RegularExpressions;

namespace Agents.Safety.Validation;

/// <summary>A <see cref="RegexOutputValidator"/> that forbids its pattern: every match is a located, redactable violation.</summary>
public sealed class RegexMustNotMatchValidator : RegexOutputValidator, IIncrementalOutputValidator
{
    internal RegexMustNotMatchValidator(string name, Regex regex, string description, int maxMatchLength)
        : base(name, regex, description)
    {
        MaxViolationLength = maxMatchLength;
    }

    /// <inheritdoc/>
    public int MaxViolationLength { get; }

    /// <inheritdoc/>
    public override ValueTask<IReadOnlyList<ValidationViolation>> ValidateAsync(ValidationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult(Scan(context.Text));
    }

    /// <inheritdoc/>
    public IReadOnlyList<ValidationViolation> Scan(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            // ValueMatch enumeration allocates nothing when the text is clean, the common case.
            List<ValidationViolation>? violations = null;
            foreach (var match in Pattern.EnumerateMatches(text))
            {
                if (match.Length > 0)
                {
                    (violations ??= []).Add(new ValidationViolation(Name, "match", Description, match.Index, match.Length));
                }
            }

            return violations is null ? [] : violations;
        }
        catch (RegexMatchTimeoutException)
        {
            // Fail closed, and hold the whole scanned text: nothing of it is released.
            return [new ValidationViolation(Name, "timeout", "the pattern timed out on the answer", 0, text.Length)];
        }
    }
}
