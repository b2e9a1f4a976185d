using System.Runtime.CompilerServices;

namespace Agents.Tests.Middleware;

/// <summary>Streams the middleware tests feed through the pipeline.</summary>
internal static class TestStreams
{
    public static async IAsyncEnumerable<GenerationUpdate> FromUpdates(
        IEnumerable<GenerationUpdate> updates, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in updates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return update;
        }
    }

    public static IReadOnlyList<GenerationUpdate> Completed(string text, FinishReason finishReason = FinishReason.Stop) =>
    [
        new GenerationUpdate { Text = text, ModelId = "m1", ResponseId = "r1" },
        new GenerationUpdate { FinishReason = finishReason, Usage = new Usage { PromptTokens = 7, CompletionTokens = 3, CachedPromptTokens = 2 } },
    ];

    public static async IAsyncEnumerable<GenerationUpdate> Endless([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; ; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new GenerationUpdate { Text = $"t{i} " };
        }
    }

    public static async IAsyncEnumerable<GenerationUpdate> FailingAfter(
        int updates, Exception exception, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < updates; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new GenerationUpdate { Text = $"t{i} " };
        }

        throw exception;
    }

    public static async Task<List<GenerationUpdate>> ReadAllAsync(IAsyncEnumerable<GenerationUpdate> updates)
    {
        var list = new List<GenerationUpdate>();
        await foreach (var update in updates)
        {
            list.Add(update);
        }

        return list;
    }
}
