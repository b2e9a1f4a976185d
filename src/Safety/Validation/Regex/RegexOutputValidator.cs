using System.Text.RegularExpressions;

namespace Agents.Safety.Validation;

/// <summary>
/// Checks an answer against a regular expression: it must match somewhere (<see cref="MustMatch"/>, a whole-answer
/// check), or must match nowhere (<see cref="MustNotMatch"/>, incremental: each match is a located violation that
/// can be redacted, and streams are checked as they go).
/// </summary>
/// <remarks>
/// Patterns run with a match timeout; a timeout counts as a violation (fail closed) so a pathological answer
/// cannot stall the pipeline. Patterns are built with <see cref="RegexOptions.Compiled"/> whatever options are
/// passed: a validator is built once and run on every answer (and every streamed chunk), so the one-off compile cost
/// (about a millisecond) pays for itself within a few runs.
/// </remarks>
public class RegexOutputValidator : IOutputValidator
{
    /// <summary>The match timeout used unless one is given.</summary>
    public static readonly TimeSpan DefaultMatchTimeout = TimeSpan.FromSeconds(1);

    private protected RegexOutputValidator(string name, Regex regex, string description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Pattern = regex;
        Description = description;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Gets the pattern.</summary>
    public Regex Pattern { get; }

    /// <summary>Gets what a violation says, e.g. "the answer must end with a question".</summary>
    public string Description { get; }

    /// <summary>Creates a validator that requires <paramref name="pattern"/> to match somewhere in the answer.</summary>
    /// <param name="pattern">The pattern.</param>
    /// <param name="description">What a violation says; defaults to naming the validator.</param>
    /// <param name="name">The validator's name.</param>
    /// <param name="options">Regex options.</param>
    /// <param name="matchTimeout">The match timeout; <see cref="DefaultMatchTimeout"/> by default.</param>
    /// <returns>The validator.</returns>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> is not a valid regular expression, or <paramref name="name"/> is empty.</exception>
    public static RegexOutputValidator MustMatch(
        string pattern, string? description = null, string name = "must-match", RegexOptions options = RegexOptions.None, TimeSpan? matchTimeout = null) =>
        new(name, Build(pattern, options, matchTimeout), description ?? "the answer does not have the required form");

    /// <summary>Creates a validator that forbids <paramref name="pattern"/> anywhere in the answer.</summary>
    /// <param name="pattern">The pattern.</param>
    /// <param name="maxMatchLength">The longest text the pattern can match: the hold-back window streams need for it.</param>
    /// <param name="description">What a violation says; defaults to naming the validator.</param>
    /// <param name="name">The validator's name.</param>
    /// <param name="options">Regex options.</param>
    /// <param name="matchTimeout">The match timeout; <see cref="DefaultMatchTimeout"/> by default.</param>
    /// <returns>The validator.</returns>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> is not a valid regular expression, or <paramref name="name"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxMatchLength"/> is less than 1.</exception>
    public static RegexMustNotMatchValidator MustNotMatch(
        string pattern, int maxMatchLength = 64, string? description = null, string name = "must-not-match",
        RegexOptions options = RegexOptions.None, TimeSpan? matchTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMatchLength, 1);
        return new(name, Build(pattern, options, matchTimeout), description ?? "the answer contains forbidden text", maxMatchLength);
    }

    /// <inheritdoc/>
    public virtual ValueTask<IReadOnlyList<ValidationViolation>> ValidateAsync(ValidationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        IReadOnlyList<ValidationViolation> violations;
        try
        {
            violations = Pattern.IsMatch(context.Text) ? [] : [new ValidationViolation(Name, "no-match", Description)];
        }
        catch (RegexMatchTimeoutException)
        {
            violations = [new ValidationViolation(Name, "timeout", "the pattern timed out on the answer")];
        }

        return ValueTask.FromResult(violations);
    }

    private static Regex Build(string pattern, RegexOptions options, TimeSpan? matchTimeout)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        try
        {
            return new Regex(pattern, options | RegexOptions.CultureInvariant | RegexOptions.Compiled, matchTimeout ?? DefaultMatchTimeout);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"The pattern is not a valid regular expression: {ex.Message}", nameof(pattern), ex);
        }
    }
}
