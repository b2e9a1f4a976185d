namespace Agents.Rag;

/// <summary>The built-in loaders, and lookup of a loader by file extension.</summary>
public static class DocumentLoaders
{
    /// <summary>Gets the built-in loaders: plain text, Markdown, HTML and PDF.</summary>
    public static IReadOnlyList<IDocumentLoader> Default { get; } =
    [
        new TextDocumentLoader(),
        new MarkdownDocumentLoader(),
        new HtmlDocumentLoader(),
        new PdfDocumentLoader(),
    ];

    /// <summary>Finds the loader for <paramref name="path"/>'s extension among <paramref name="loaders"/>.</summary>
    /// <param name="loaders">The loaders to look in.</param>
    /// <param name="path">A file path or name.</param>
    /// <returns>The first loader that reads the extension, or <see langword="null"/>.</returns>
    public static IDocumentLoader? ForPath(IEnumerable<IDocumentLoader> loaders, string path)
    {
        ArgumentNullException.ThrowIfNull(loaders);
        ArgumentNullException.ThrowIfNull(path);
        var extension = Path.GetExtension(path);
        return loaders.FirstOrDefault(l => l.Extensions.Contains(extension, StringComparer.OrdinalIgnoreCase));
    }
}
