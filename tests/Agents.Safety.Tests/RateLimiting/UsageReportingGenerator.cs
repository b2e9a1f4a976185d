using System.Runtime.CompilerServices;
using Agents.Testing;

namespace Agents.Safety.Tests.RateLimiting;

/// <summary>Builds a <see cref="TestGenerator"/> that answers with a fixed usage and records when each call arrived.</summary>
internal static class UsageReportingGenerator
{
    public static TestGenerator Create(TimeProvider time, List<DateTimeOffset> calls, Func<GenerationRequest, Usage?> usage)
    {
        var generator = new TestGenerator();
        generator.GenerateAsyncCallback = (request, _) =>
        {
            lock (calls)
            {
                calls.Add(time.GetUtcNow());
            }

            return Task.FromResult(new GenerationResult("ok") { FinishReason = FinishReason.Stop, Usage = usage(request) });
        };
        generator.StreamAsyncCallback = (request, ct) => Stream(request, time, calls, usage, ct);
        return generator;
    }

    private static async IAsyncEnumerable<GenerationUpdate> Stream(
        GenerationRequest request, TimeProvider time, List<DateTimeOffset> calls, Func<GenerationRequest, Usage?> usage,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        lock (calls)
        {
            calls.Add(time.GetUtcNow());
        }

        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        yield return new GenerationUpdate { Text = "o" };
        yield return new GenerationUpdate { Text = "k" };
        yield return new GenerationUpdate { FinishReason = FinishReason.Stop, Usage = usage(request) };
    }
}
