namespace Agents.Rag;

/// <summary>Options of one retrieval.</summary>
public sealed class RetrievalOptions
{
    /// <summary>Gets or sets how many passages to return.</summary>
    /// <value>5 by default; at least 1.</value>
    public int TopK { get; set; } = 5;

    /// <summary>Gets or sets which searches to run.</summary>
    /// <value><see cref="RetrievalMode.Auto"/>.</value>
    public RetrievalMode Mode { get; set; } = RetrievalMode.Auto;

    /// <summary>Gets or sets a metadata filter, or <see langword="null"/> for none.</summary>
    public RetrievalFilter? Filter { get; set; }

    /// <summary>Gets or sets how many candidates each search contributes before fusion, diversification and reranking.</summary>
    /// <value><see langword="null"/>: four times <see cref="TopK"/>, at least 20.</value>
    public int? CandidateCount { get; set; }

    /// <summary>Gets or sets whether to diversify the results with maximal marginal relevance.</summary>
    /// <value><see langword="false"/> by default.</value>
    public bool UseMmr { get; set; }

    /// <summary>Gets or sets MMR's balance between relevance (1) and diversity (0).</summary>
    /// <value>0.7 by default; in [0, 1].</value>
    public double MmrLambda { get; set; } = 0.7;

    /// <summary>Gets or sets reciprocal rank fusion's constant k: a passage at rank r scores 1 / (k + r) per search.</summary>
    /// <value>60 by default, as in the original paper; at least 1.</value>
    public int RrfK { get; set; } = 60;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(TopK, 1, nameof(TopK));
        if (CandidateCount is { } candidates)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(candidates, TopK, nameof(CandidateCount));
        }

        if (MmrLambda is < 0 or > 1 || double.IsNaN(MmrLambda))
        {
            throw new ArgumentOutOfRangeException(nameof(MmrLambda), MmrLambda, $"{nameof(MmrLambda)} must be in [0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(RrfK, 1, nameof(RrfK));
    }

    internal int EffectiveCandidateCount => CandidateCount ?? Math.Max(TopK * 4, 20);
}
