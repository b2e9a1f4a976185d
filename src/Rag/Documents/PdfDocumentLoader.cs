using System.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;

namespace Agents.Rag;

/// <summary>
/// Loads PDF (<c>.pdf</c>) with PdfPig: the text of each page in reading order, pages joined by a blank line, one
/// section per page carrying its 1-based page number.
/// </summary>
public sealed class PdfDocumentLoader : IDocumentLoader
{
    private const string PageSeparator = "\n\n";

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Extensions { get; } = [".pdf"];

    /// <inheritdoc/>
    public async Task<SourceDocument> LoadAsync(Stream content, string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(source);
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        try
        {
            using var pdf = PdfDocument.Open(buffer.ToArray());
            var text = new StringBuilder();
            var sections = new List<DocumentSection>();
            foreach (var page in pdf.GetPages())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var pageText = ContentOrderTextExtractor.GetText(page).Trim();
                if (pageText.Length == 0)
                {
                    continue;
                }

                if (text.Length > 0)
                {
                    text.Append(PageSeparator);
                }

                var start = text.Length;
                text.Append(pageText);
                sections.Add(new DocumentSection(start, text.Length, Page: page.Number));
            }

            return new SourceDocument(source, text.ToString(), sections);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not DocumentLoadException)
        {
            // PdfPig throws many exception types for damaged files; callers need one that says "unreadable document".
            throw new DocumentLoadException($"'{source}' is not a readable PDF: {exception.Message}", exception);
        }
    }
}
