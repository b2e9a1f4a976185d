namespace Agents.Rag;

/// <summary>
/// Inspects retrieved text before it enters a prompt — the place to run input guards (prompt-injection scoring,
/// sanitising, size limits) over documents, which are as untrusted as user input.
/// </summary>
public interface IPassageGuard
{
    /// <summary>Inspects one passage.</summary>
    /// <param name="passage">The retrieved passage.</param>
    /// <param name="cancellationToken">Cancels the inspection.</param>
    /// <returns>The passage to use (possibly with redacted text), or <see langword="null"/> to leave it out.</returns>
    Task<RetrievedPassage?> InspectAsync(RetrievedPassage passage, CancellationToken cancellationToken = default);
}
