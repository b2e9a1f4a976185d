namespace Agents.Safety.Validation;

/// <summary>
/// Bounds an answer's length in characters and in tokens. Tokens are counted with the model's
/// <see cref="ITokenizer"/> when the generator chain offers one (<c>generator.GetService&lt;ITokenizer&gt;()</c>),
/// else estimated with <see cref="TokenCountEstimate"/> (one token per four characters).
/// </summary>
public sealed class LengthOutputValidator : IOutputValidator
{
    /// <summary>Creates the validator; set at least one bound.</summary>
    /// <param name="minCharacters">The fewest characters allowed, or <see langword="null"/>.</param>
    /// <param name="maxCharacters">The most characters allowed, or <see langword="null"/>.</param>
    /// <param name="minTokens">The fewest tokens allowed, or <see langword="null"/>.</param>
    /// <param name="maxTokens">The most tokens allowed, or <see langword="null"/>.</param>
    /// <param name="name">The validator's name.</param>
    /// <exception cref="ArgumentException">No bound is set, a bound is negative, or a minimum exceeds its maximum; the message lists every problem.</exception>
    public LengthOutputValidator(int? minCharacters = null, int? maxCharacters = null, int? minTokens = null, int? maxTokens = null, string name = "length")
    {
        var errors = new List<string>();
        if (minCharacters is null && maxCharacters is null && minTokens is null && maxTokens is null)
        {
            errors.Add("set at least one bound.");
        }

        Check(errors, nameof(minCharacters), minCharacters);
        Check(errors, nameof(maxCharacters), maxCharacters);
        Check(errors, nameof(minTokens), minTokens);
        Check(errors, nameof(maxTokens), maxTokens);
        if (minCharacters > maxCharacters)
        {
            errors.Add($"{nameof(minCharacters)} ({minCharacters}) exceeds {nameof(maxCharacters)} ({maxCharacters}).");
        }

        if (minTokens > maxTokens)
        {
            errors.Add($"{nameof(minTokens)} ({minTokens}) exceeds {nameof(maxTokens)} ({maxTokens}).");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid length bounds: " + string.Join(" ", errors));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        MinCharacters = minCharacters;
        MaxCharacters = maxCharacters;
        MinTokens = minTokens;
        MaxTokens = maxTokens;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Gets the fewest characters allowed.</summary>
    public int? MinCharacters { get; }

    /// <summary>Gets the most characters allowed.</summary>
    public int? MaxCharacters { get; }

    /// <summary>Gets the fewest tokens allowed.</summary>
    public int? MinTokens { get; }

    /// <summary>Gets the most tokens allowed.</summary>
    public int? MaxTokens { get; }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ValidationViolation>> ValidateAsync(ValidationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var violations = new List<ValidationViolation>();
        var characters = context.Text.Length;
        if (characters < MinCharacters)
        {
            violations.Add(new(Name, "min-characters", $"the answer has {characters} characters; at least {MinCharacters} are required"));
        }

        if (characters > MaxCharacters)
        {
            violations.Add(new(Name, "max-characters", $"the answer has {characters} characters; at most {MaxCharacters} are allowed"));
        }

        if (MinTokens is not null || MaxTokens is not null)
        {
            var tokens = TokenCountEstimate.Count(context.Text, context.Tokenizer);
            var how = context.Tokenizer is null ? "estimated " : string.Empty;
            if (tokens < MinTokens)
            {
                violations.Add(new(Name, "min-tokens", $"the answer has {tokens} {how}tokens; at least {MinTokens} are required"));
            }

            if (tokens > MaxTokens)
            {
                violations.Add(new(Name, "max-tokens", $"the answer has {tokens} {how}tokens; at most {MaxTokens} are allowed"));
            }
        }

        return ValueTask.FromResult<IReadOnlyList<ValidationViolation>>(violations);
    }

    private static void Check(List<string> errors, string name, int? value)
    {
        if (value is < 0)
        {
            errors.Add($"{name} must be at least 0; it is {value}.");
        }
    }
}
