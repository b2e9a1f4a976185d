namespace Agents.Bench.RateLimit;

/// <summary>A backend that answers at once with a chosen usage, recording when (by the given clock) each call arrived and what it cost.</summary>
internal sealed class InstantGenerator(TimeProvider clock, Func<GenerationRequest, Usage> usage, bool record = true) : IGenerator
{
    private static readonly GeneratorMetadata Metadata = new("bench", "instant", 4096, GeneratorCapabilities.Streaming);
    private readonly List<(long Timestamp, long Tokens)> _calls = [];

    public IReadOnlyList<(long Timestamp, long Tokens)> Calls => _calls;

    public Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        var used = usage(request);
        if (record)
        {
            lock (_calls)
            {
                _calls.Add((clock.GetTimestamp(), used.TotalTokens));
            }
        }

        return Task.FromResult(new GenerationResult("ok") { FinishReason = FinishReason.Stop, Usage = used });
    }

    public IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationRequest request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(Metadata) ? Metadata : null;

    public void Dispose()
    {
    }
}
