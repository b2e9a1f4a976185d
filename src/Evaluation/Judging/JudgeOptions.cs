namespace Agents.Evaluation;

/// <summary>Options shared by <see cref="RubricJudge"/> and <see cref="PairwiseJudge"/>.</summary>
public sealed class JudgeOptions
{
    /// <summary>Gets or sets how many times an invalid reply is sent back to the judge with the error to repair.</summary>
    /// <value>2.</value>
    public int MaxRepairAttempts { get; set; } = 2;

    /// <summary>
    /// Gets or sets the judge's decoding options (cloned per call); the seed keeps verdicts reproducible. No response
    /// format is requested by default because not every backend can constrain output to JSON (the local one refuses
    /// the request); the judge parses and repairs the reply itself. Set <see cref="ResponseFormat.Json"/> for a hosted
    /// judge that supports it.
    /// </summary>
    /// <value>Temperature 0, seed 42, at most 512 tokens.</value>
    public GenerationOptions GenerationOptions { get; set; } = new() { Temperature = 0, Seed = 42, MaxTokens = 512 };

    /// <summary>Gets or sets the longest text (input, response, reference) quoted to the judge, in characters; longer text is cut.</summary>
    /// <value>8,000.</value>
    public int MaxQuotedCharacters { get; set; } = 8_000;

    internal JudgeOptions Validated()
    {
        var errors = new List<string>();
        if (MaxRepairAttempts is < 0 or > 10)
        {
            errors.Add($"MaxRepairAttempts must be in [0, 10]; it is {MaxRepairAttempts}.");
        }

        if (GenerationOptions is null)
        {
            errors.Add("GenerationOptions must not be null.");
        }

        if (MaxQuotedCharacters < 16)
        {
            errors.Add($"MaxQuotedCharacters must be at least 16; it is {MaxQuotedCharacters}.");
        }

        return errors.Count > 0
            ? throw new ArgumentException("Invalid JudgeOptions: " + string.Join(" ", errors))
            : new JudgeOptions { MaxRepairAttempts = MaxRepairAttempts, GenerationOptions = GenerationOptions!.Clone(), MaxQuotedCharacters = MaxQuotedCharacters };
    }

    internal string Quote(string? text) =>
        text is null ? "(none)" : text.Length <= MaxQuotedCharacters ? text : string.Concat(text.AsSpan(0, MaxQuotedCharacters), " […cut]");
}
