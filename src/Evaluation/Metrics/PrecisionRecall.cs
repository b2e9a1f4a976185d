namespace Agents.Evaluation;

/// <summary>A precision and a recall, with their harmonic mean.</summary>
/// <param name="Precision">The share of the prediction found in the reference, in [0, 1].</param>
/// <param name="Recall">The share of the reference found in the prediction, in [0, 1].</param>
public readonly record struct PrecisionRecall(double Precision, double Recall)
{
    /// <summary>Gets F1 = 2PR / (P + R), 0 when both are 0.</summary>
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}
