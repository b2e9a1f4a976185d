namespace Agents.Safety.RateLimiting;

/// <summary>Where per-minute budgets live: this process (<see cref="LocalRateBudget"/>) or Redis (<see cref="RedisRateBudget"/>).</summary>
internal interface IRateBudget : IDisposable
{
    /// <summary>Admits a request of <paramref name="tokens"/> for <paramref name="tenant"/> and the global partition together, or says when it could be.</summary>
    ValueTask<BudgetDecision> TryAcquireAsync(string? tenant, long tokens, CancellationToken cancellationToken);
}
