namespace Agents.Safety.RateLimiting;

/// <summary>The per-window limits of one partition (the global one, or one tenant's); <see langword="null"/> is unlimited.</summary>
internal readonly record struct PartitionLimits(long? Requests, long? Tokens)
{
    public bool IsUnlimited => Requests is null && Tokens is null;

    public PartitionLimits Scale(double share) => new(ScaleOne(Requests, share), ScaleOne(Tokens, share));

    private static long? ScaleOne(long? value, double share) => value is { } v ? Math.Max(1, (long)Math.Floor(v * share)) : null;
}
