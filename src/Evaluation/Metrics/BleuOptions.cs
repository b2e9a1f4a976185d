namespace Agents.Evaluation;

/// <summary>Options of <see cref="Bleu"/>.</summary>
public sealed class BleuOptions
{
    /// <summary>Gets or sets the highest n-gram order; orders 1…N are weighted 1/N each.</summary>
    /// <value>4.</value>
    public int MaxOrder { get; set; } = 4;

    /// <summary>Gets or sets the smoothing of orders without a match.</summary>
    /// <value><see cref="BleuSmoothing.None"/>.</value>
    public BleuSmoothing Smoothing { get; set; } = BleuSmoothing.None;

    /// <summary>Gets or sets the match count used for an order with none under <see cref="BleuSmoothing.Epsilon"/>.</summary>
    /// <value>0.1.</value>
    public double Epsilon { get; set; } = 0.1;

    internal void Validate()
    {
        var errors = new List<string>();
        if (MaxOrder is < 1 or > 16)
        {
            errors.Add($"MaxOrder must be in [1, 16]; it is {MaxOrder}.");
        }

        if (!Enum.IsDefined(Smoothing))
        {
            errors.Add($"Smoothing {Smoothing} is unknown.");
        }

        if (!(Epsilon > 0 && Epsilon <= 1))
        {
            errors.Add($"Epsilon must be in (0, 1]; it is {Epsilon}.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid BleuOptions: " + string.Join(" ", errors));
        }
    }
}
