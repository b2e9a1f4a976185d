namespace Agents;

/// <summary>The family of decoding algorithms a <see cref="DecodingStrategy"/> selects.</summary>
public enum DecodingKind
{
    /// <summary>Always take the most probable next token: deterministic, and the basis of exact caching.</summary>
    Greedy,

    /// <summary>Draw the next token from the distribution shaped by temperature, top-k, top-p, min-p and penalties.</summary>
    Sampling,

    /// <summary>Keep the <see cref="DecodingStrategy.BeamWidth"/> best partial sequences and return the best complete one.</summary>
    Beam,
}

/// <summary>How the next token is chosen: greedy, sampling, or beam search.</summary>
/// <remarks>
/// When <see cref="GenerationOptions.Decoding"/> is <see langword="null"/>, a backend samples when a temperature
/// above zero is given and decodes greedily otherwise, as hosted providers do.
/// </remarks>
public sealed record DecodingStrategy
{
    private DecodingStrategy(DecodingKind kind, int beamWidth, float lengthPenalty, bool returnAllBeams)
    {
        Kind = kind;
        BeamWidth = beamWidth;
        LengthPenalty = lengthPenalty;
        ReturnAllBeams = returnAllBeams;
    }

    /// <summary>Gets greedy decoding: the most probable token at every step.</summary>
    public static DecodingStrategy Greedy { get; } = new(DecodingKind.Greedy, 1, 1f, false);

    /// <summary>Gets sampling with the temperature, top-k, top-p, min-p and penalty options of the request.</summary>
    public static DecodingStrategy Sampling { get; } = new(DecodingKind.Sampling, 1, 1f, false);

    /// <summary>Creates a beam-search strategy.</summary>
    /// <param name="width">How many partial sequences are kept at each step; at least 1 (1 is greedy).</param>
    /// <param name="lengthPenalty">
    /// The exponent α in score = log-likelihood / length^α; 1 normalises by length, 0 ranks by raw log-likelihood,
    /// larger values favour longer outputs.
    /// </param>
    /// <param name="returnAllBeams">When <see langword="true"/>, <see cref="GenerationResult.Beams"/> lists every final beam with its score.</param>
    /// <returns>The strategy.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> is below 1, or <paramref name="lengthPenalty"/> is negative or not finite.</exception>
    public static DecodingStrategy Beam(int width, float lengthPenalty = 1f, bool returnAllBeams = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if (!float.IsFinite(lengthPenalty) || lengthPenalty < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(lengthPenalty), lengthPenalty, "The length penalty must be a finite number ≥ 0.");
        }

        return new(DecodingKind.Beam, width, lengthPenalty, returnAllBeams);
    }

    /// <summary>Gets the decoding family.</summary>
    public DecodingKind Kind { get; }

    /// <summary>Gets the beam width.</summary>
    /// <value>1 unless <see cref="Kind"/> is <see cref="DecodingKind.Beam"/>.</value>
    public int BeamWidth { get; }

    /// <summary>Gets the length-penalty exponent used to rank beams.</summary>
    /// <value>1 by default.</value>
    public float LengthPenalty { get; }

    /// <summary>Gets whether every final beam is returned in <see cref="GenerationResult.Beams"/>.</summary>
    public bool ReturnAllBeams { get; }

    /// <inheritdoc/>
    public override string ToString() => Kind == DecodingKind.Beam
        ? FormattableString.Invariant($"Beam(width: {BeamWidth}, lengthPenalty: {LengthPenalty})")
        : Kind.ToString();
}
