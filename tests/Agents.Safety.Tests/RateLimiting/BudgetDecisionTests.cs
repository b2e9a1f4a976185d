using Agents.Safety.RateLimiting;

namespace Agents.Safety.Tests.RateLimiting;

public sealed class BudgetDecisionTests
{
    [Fact]
    public void CanWait_OnlyForARejectionThatKnowsWhenRoomComes()
    {
        Assert.True(BudgetDecision.Reject(RateLimitRejectionReason.Requests, TimeSpan.FromSeconds(5), "local").CanWait);
        Assert.True(BudgetDecision.Reject(RateLimitRejectionReason.Tokens, TimeSpan.FromSeconds(5), "local").CanWait);

        // Unknown wait, never admissible, or failing closed: waiting cannot help.
        Assert.False(BudgetDecision.Reject(RateLimitRejectionReason.Requests, null, "local").CanWait);
        Assert.False(BudgetDecision.Reject(RateLimitRejectionReason.Tokens, null, "local").CanWait);
        Assert.False(BudgetDecision.Reject(RateLimitRejectionReason.TooLarge, TimeSpan.FromSeconds(5), "local").CanWait);
        Assert.False(BudgetDecision.Reject(RateLimitRejectionReason.Unavailable, TimeSpan.FromSeconds(5), "unavailable").CanWait);
    }
}
