namespace Agents.Evaluation;

/// <summary>Options of <see cref="PerplexityMetric"/>.</summary>
public sealed class PerplexityOptions
{
    /// <summary>Gets or sets the window length in tokens; <see langword="null"/> uses the scorer's whole context.</summary>
    /// <value><see langword="null"/>.</value>
    public int? WindowSize { get; set; }

    /// <summary>
    /// Gets or sets how far each window moves after the first; every window scores only the tokens no earlier window
    /// scored, so each of them is predicted from at least <c>WindowSize − Stride</c> tokens of context.
    /// <see langword="null"/> uses half the window.
    /// </summary>
    /// <value><see langword="null"/>.</value>
    public int? Stride { get; set; }

    internal (int Window, int Stride) Resolve(int contextSize)
    {
        var errors = new List<string>();
        var window = WindowSize ?? contextSize;
        if (window < 2 || window > contextSize)
        {
            errors.Add($"WindowSize must be in [2, {contextSize}] (the scorer's context); it is {window}.");
        }

        var stride = Stride ?? Math.Max(1, window / 2);
        if (stride < 1 || stride > window - 1)
        {
            errors.Add($"Stride must be in [1, WindowSize − 1 = {window - 1}]; it is {stride}.");
        }

        return errors.Count > 0 ? throw new ArgumentException("Invalid PerplexityOptions: " + string.Join(" ", errors)) : (window, stride);
    }
}
