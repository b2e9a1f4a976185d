namespace Agents.Safety.RateLimiting;

/// <summary>
/// The admissions of one partition during the last window, oldest first, with their token costs. Admitting only
/// while the window's count and tokens stay within the limits keeps every sliding window within them, which a
/// token bucket (whose burst plus refill can reach twice the limit in a minute) does not. Not thread-safe: the
/// owning budget locks.
/// </summary>
internal sealed class SlidingWindowLog
{
    private readonly Queue<Entry> _entries = new();
    private long _tokens;

    public int Count => _entries.Count;

    public long Tokens => _tokens;

    /// <summary>Drops the entries admitted at or before <paramref name="now"/> − <paramref name="window"/>.</summary>
    public void Expire(long now, long window)
    {
        while (_entries.TryPeek(out var oldest) && oldest.Timestamp <= now - window)
        {
            _entries.Dequeue();
            oldest.Expired = true;
            _tokens -= oldest.Tokens;
        }
    }

    /// <summary>
    /// Checks whether a request of <paramref name="cost"/> tokens fits now (call <see cref="Expire"/> first); when it
    /// does not, says why and how long until enough of the window has expired.
    /// </summary>
    /// <returns><see cref="RateLimitRejectionReason.None"/> and 0 when it fits; otherwise the reason and the wait in timestamp units.</returns>
    public (RateLimitRejectionReason Reason, long Wait) Check(PartitionLimits limits, long cost, long now, long window)
    {
        if (limits.Tokens is { } maxTokens && cost > maxTokens)
        {
            return (RateLimitRejectionReason.TooLarge, 0);
        }

        var requestsOver = limits.Requests is { } maxRequests && _entries.Count + 1 > maxRequests;
        var tokensOver = limits.Tokens is { } tokenLimit && _tokens + cost > tokenLimit;
        if (!requestsOver && !tokensOver)
        {
            return (RateLimitRejectionReason.None, 0);
        }

        // Walk from the oldest until enough would have expired for the request to fit.
        var count = _entries.Count;
        var tokens = _tokens;
        foreach (var entry in _entries)
        {
            count--;
            tokens -= entry.Tokens;
            if ((limits.Requests is not { } r || count + 1 <= r) && (limits.Tokens is not { } t || tokens + cost <= t))
            {
                return (requestsOver ? RateLimitRejectionReason.Requests : RateLimitRejectionReason.Tokens, Math.Max(1, entry.Timestamp + window - now));
            }
        }

        // Unreachable for a cost within the token limit: an empty window always fits.
        return (requestsOver ? RateLimitRejectionReason.Requests : RateLimitRejectionReason.Tokens, window);
    }

    public Entry Add(long now, long cost)
    {
        var entry = new Entry(now, cost);
        _entries.Enqueue(entry);
        _tokens += cost;
        return entry;
    }

    /// <summary>Changes an entry's tokens, when it is still inside the window.</summary>
    public void Adjust(Entry entry, long tokens)
    {
        if (!entry.Expired)
        {
            _tokens += tokens - entry.Tokens;
            entry.Tokens = tokens;
        }
    }

    /// <summary>Removes an entry's cost entirely (its request was never sent); its slot is kept until it expires.</summary>
    /// <remarks>The request count is not refunded: removing from the middle of the queue would cost O(n) on a hot path, and a refund only matters when admission had to wait for another stage.</remarks>
    public void Refund(Entry entry) => Adjust(entry, 0);

    internal sealed class Entry(long timestamp, long tokens)
    {
        public long Timestamp { get; } = timestamp;

        public long Tokens { get; set; } = tokens;

        public bool Expired { get; set; }
    }
}
