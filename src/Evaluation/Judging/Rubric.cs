namespace Agents.Evaluation;

/// <summary>Criteria scored on one integer scale, with optional labels for the scale's points.</summary>
public sealed class Rubric
{
    /// <summary>Creates a rubric.</summary>
    /// <param name="criteria">The criteria; names unique and non-empty.</param>
    /// <param name="scaleMin">The lowest score.</param>
    /// <param name="scaleMax">The highest score.</param>
    /// <param name="scaleLabels">Optional labels keyed by score, e.g. 1 = "wrong", 5 = "fully correct".</param>
    /// <exception cref="ArgumentException">Every problem found, in one message.</exception>
    public Rubric(IReadOnlyList<RubricCriterion> criteria, int scaleMin = 1, int scaleMax = 5, IReadOnlyDictionary<int, string>? scaleLabels = null)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        var errors = new List<string>();
        if (criteria.Count == 0)
        {
            errors.Add("At least one criterion is needed.");
        }

        foreach (var criterion in criteria)
        {
            if (criterion is null || string.IsNullOrWhiteSpace(criterion.Name) || string.IsNullOrWhiteSpace(criterion.Description))
            {
                errors.Add("Every criterion needs a name and a description.");
                break;
            }
        }

        var duplicate = criteria.Where(c => c is not null).GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            errors.Add($"Criterion '{duplicate.Key}' appears twice.");
        }

        if (scaleMax <= scaleMin)
        {
            errors.Add($"The scale needs scaleMax > scaleMin; it is [{scaleMin}, {scaleMax}].");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid rubric: " + string.Join(" ", errors), nameof(criteria));
        }

        Criteria = [.. criteria];
        ScaleMin = scaleMin;
        ScaleMax = scaleMax;
        ScaleLabels = scaleLabels is null ? new Dictionary<int, string>() : new Dictionary<int, string>(scaleLabels);
    }

    /// <summary>Gets the criteria.</summary>
    public IReadOnlyList<RubricCriterion> Criteria { get; }

    /// <summary>Gets the lowest score.</summary>
    public int ScaleMin { get; }

    /// <summary>Gets the highest score.</summary>
    public int ScaleMax { get; }

    /// <summary>Gets the labels of scale points.</summary>
    public IReadOnlyDictionary<int, string> ScaleLabels { get; }

    /// <summary>Gets a rubric of the four criteria the textbook names: factual accuracy, completeness, brevity and tone, on 1–5.</summary>
    public static Rubric Default { get; } = new(
    [
        new("accuracy", "Every factual claim is correct; when a reference answer is given, the response agrees with it."),
        new("completeness", "The response answers every part of the question."),
        new("brevity", "The response is no longer than it needs to be, without filler or repetition."),
        new("tone", "The response is polite, clear and suited to a professional assistant."),
    ],
    1,
    5,
    new Dictionary<int, string> { [1] = "very poor", [3] = "acceptable", [5] = "excellent" });

    /// <summary>Maps a score on this scale to [0, 1].</summary>
    /// <param name="score">A score in [<see cref="ScaleMin"/>, <see cref="ScaleMax"/>].</param>
    /// <returns>(score − min) / (max − min).</returns>
    public double Normalize(double score) => (score - ScaleMin) / (ScaleMax - ScaleMin);
}
