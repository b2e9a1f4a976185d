using System.Runtime.CompilerServices;

namespace Agents;

/// <summary>Combines streamed updates into a <see cref="GenerationResult"/>.</summary>
public static class GenerationUpdateExtensions
{
    /// <summary>Reads a whole stream and combines its updates into one result.</summary>
    /// <param name="updates">The stream.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The combined result.</returns>
    public static async Task<GenerationResult> ToResultAsync(
        this IAsyncEnumerable<GenerationUpdate> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var accumulator = new GenerationResultAccumulator();
        await foreach (var update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            accumulator.Add(update);
        }

        return accumulator.Build();
    }

    /// <summary>Combines a finished list of updates into one result.</summary>
    /// <param name="updates">The updates, in stream order.</param>
    /// <returns>The combined result.</returns>
    public static GenerationResult ToResult(this IEnumerable<GenerationUpdate> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var accumulator = new GenerationResultAccumulator();
        foreach (var update in updates)
        {
            accumulator.Add(update);
        }

        return accumulator.Build();
    }

    /// <summary>Passes a stream through while feeding every update to <paramref name="accumulator"/>.</summary>
    /// <param name="updates">The stream.</param>
    /// <param name="accumulator">Receives every update.</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <returns>The same updates.</returns>
    public static async IAsyncEnumerable<GenerationUpdate> Tee(
        this IAsyncEnumerable<GenerationUpdate> updates,
        GenerationResultAccumulator accumulator,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        ArgumentNullException.ThrowIfNull(accumulator);
        await foreach (var update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            accumulator.Add(update);
            yield return update;
        }
    }
}
