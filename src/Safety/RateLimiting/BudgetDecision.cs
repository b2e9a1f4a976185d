namespace Agents.Safety.RateLimiting;

/// <summary>The answer of a budget to one admission attempt.</summary>
internal sealed class BudgetDecision
{
    private BudgetDecision(BudgetTicket? ticket, TimeSpan? retryAfter, RateLimitRejectionReason reason, string scope)
    {
        Ticket = ticket;
        RetryAfter = retryAfter;
        Reason = reason;
        Scope = scope;
    }

    /// <summary>Gets the reservation when admitted, to reconcile or refund later.</summary>
    public BudgetTicket? Ticket { get; }

    public bool IsAdmitted => Ticket is not null;

    /// <summary>Gets when the request could be admitted, if nothing else is admitted before; <see langword="null"/> when never or unknown.</summary>
    public TimeSpan? RetryAfter { get; }

    public RateLimitRejectionReason Reason { get; }

    /// <summary>Gets which budget answered: <c>local</c>, <c>distributed</c>, <c>fallback</c> or <c>unavailable</c>.</summary>
    public string Scope { get; }

    /// <summary>Gets whether waiting can help.</summary>
    /// <remarks>Never for a request too large for any window, nor while failing closed: that refuses at once, as documented.</remarks>
    public bool CanWait => Ticket is null && RetryAfter is not null && Reason is not (RateLimitRejectionReason.TooLarge or RateLimitRejectionReason.Unavailable);

    public static BudgetDecision Admit(BudgetTicket ticket, string scope) => new(ticket, null, RateLimitRejectionReason.None, scope);

    public static BudgetDecision Reject(RateLimitRejectionReason reason, TimeSpan? retryAfter, string scope) => new(null, retryAfter, reason, scope);
}
