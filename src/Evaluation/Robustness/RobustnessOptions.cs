namespace Agents.Evaluation;

/// <summary>Options of the robustness pass.</summary>
public sealed class RobustnessOptions
{
    /// <summary>Gets or sets the variants run for every item.</summary>
    /// <value>All of <see cref="AdversarialKind"/>.</value>
    public IList<AdversarialKind> Variants { get; set; } = [.. Enum.GetValues<AdversarialKind>()];

    /// <summary>Gets or sets the length of the irrelevant context, in characters.</summary>
    /// <value>6,000.</value>
    public int IrrelevantContextCharacters { get; set; } = 6_000;

    /// <summary>Gets or sets the length of an oversized input, in characters.</summary>
    /// <value>200,000.</value>
    public int OversizedCharacters { get; set; } = 200_000;

    internal void Validate()
    {
        var errors = new List<string>();
        if (Variants is null || Variants.Any(v => !Enum.IsDefined(v)))
        {
            errors.Add("Variants must list known AdversarialKind values.");
        }

        if (IrrelevantContextCharacters is < 1 or > 10_000_000)
        {
            errors.Add($"IrrelevantContextCharacters must be in [1, 10,000,000]; it is {IrrelevantContextCharacters}.");
        }

        if (OversizedCharacters is < 1 or > 50_000_000)
        {
            errors.Add($"OversizedCharacters must be in [1, 50,000,000]; it is {OversizedCharacters}.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid RobustnessOptions: " + string.Join(" ", errors));
        }
    }
}
