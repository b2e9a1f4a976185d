namespace Agents.Rag;

/// <summary>Loads plain text (<c>.txt</c>): the text as it is, UTF-8 or UTF-16 with a byte-order mark.</summary>
public sealed class TextDocumentLoader : IDocumentLoader
{
    /// <inheritdoc/>
    public IReadOnlyCollection<string> Extensions { get; } = [".txt", ".text", ".log", ".csv"];

    /// <inheritdoc/>
    public async Task<SourceDocument> LoadAsync(Stream content, string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(source);
        var text = await TextDecoding.ReadTextAsync(content, source, cancellationToken).ConfigureAwait(false);
        return new SourceDocument(source, text);
    }
}
