namespace Agents.Safety.RateLimiting;

/// <summary>A request's reservation in a budget, reconciled with the actual usage once the response arrived.</summary>
internal abstract class BudgetTicket
{
    protected BudgetTicket(long estimatedTokens) => EstimatedTokens = estimatedTokens;

    /// <summary>Gets the tokens reserved at admission.</summary>
    public long EstimatedTokens { get; }

    /// <summary>Replaces the reserved tokens with <paramref name="actualTokens"/> (refunding or charging the difference).</summary>
    public abstract ValueTask ReconcileAsync(long actualTokens);

    /// <summary>Returns the whole reservation (the request was never sent).</summary>
    public abstract ValueTask RefundAsync();
}
