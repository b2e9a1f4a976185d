namespace Agents.Rag;

/// <summary>Turns the bytes of one file format into a <see cref="SourceDocument"/>.</summary>
/// <remarks>Implementations are stateless and safe to call concurrently.</remarks>
public interface IDocumentLoader
{
    /// <summary>Gets the file extensions this loader reads, lower case with the leading dot (".md").</summary>
    IReadOnlyCollection<string> Extensions { get; }

    /// <summary>Reads a document.</summary>
    /// <param name="content">The file's bytes; the loader reads it to the end and does not dispose it.</param>
    /// <param name="source">The document's name, stored as <see cref="SourceDocument.Source"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The document.</returns>
    /// <exception cref="DocumentLoadException">The content is not a readable document of this format.</exception>
    /// <exception cref="OperationCanceledException">The read was cancelled.</exception>
    Task<SourceDocument> LoadAsync(Stream content, string source, CancellationToken cancellationToken = default);
}
