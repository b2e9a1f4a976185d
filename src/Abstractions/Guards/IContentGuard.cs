namespace Agents;

/// <summary>
/// Inspects untrusted text — user input, retrieved passages, tool results — before it reaches a prompt:
/// sanitises it, scores it for prompt injection and decides whether it may enter at all. Implemented by the
/// input guards of <c>Agents.Safety</c>; consumed by retrieval (passages) and agents (tool results), so those
/// packages need not depend on the implementation.
/// </summary>
/// <remarks>Implementations are safe to call concurrently.</remarks>
public interface IContentGuard
{
    /// <summary>Inspects <paramref name="text"/>.</summary>
    /// <param name="text">The untrusted text.</param>
    /// <param name="source">Where the text came from; a guard may apply a different policy per source.</param>
    /// <param name="cancellationToken">Cancels the inspection.</param>
    /// <returns>The text to use and the verdict.</returns>
    ValueTask<ContentInspection> InspectAsync(string text, ContentSource source, CancellationToken cancellationToken = default);
}
