using System.Globalization;
using System.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;

namespace Agents.Rag;

/// <summary>
/// Loads PDF (<c>.pdf</c>) with PdfPig: the text of each page in reading order, pages joined by a blank line, one
/// section per page carrying its 1-based page number.
/// </summary>
/// <remarks>
/// A document with more than <see cref="MaxPages"/> pages, or whose streams decompress to more than
/// <see cref="MaxDecompressedBytes"/>, is refused with a <see cref="DocumentLoadException"/>: a few kilobytes of
/// PDF can otherwise expand into gigabytes.
/// </remarks>
public sealed class PdfDocumentLoader : IDocumentLoader
{
    private const string PageSeparator = "\n\n";

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Extensions { get; } = [".pdf"];

    /// <summary>Gets the most pages a document may have; longer ones are refused.</summary>
    /// <value>5,000 by default.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value set is below 1.</exception>
    public int MaxPages
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 5000;

    /// <summary>Gets the most bytes a document's compressed streams may expand to, in all.</summary>
    /// <value>256 MiB by default.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value set is below 1.</exception>
    public long MaxDecompressedBytes
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 256L * 1024 * 1024;

    /// <inheritdoc/>
    public async Task<SourceDocument> LoadAsync(Stream content, string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(source);
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        var budget = new PdfDecompressionBudget(MaxDecompressedBytes);
        try
        {
            using var pdf = PdfDocument.Open(buffer.ToArray(), new ParsingOptions { FilterProvider = budget });
            if (pdf.NumberOfPages > MaxPages)
            {
                throw new DocumentLoadException(string.Create(
                    CultureInfo.InvariantCulture, $"'{source}' has {pdf.NumberOfPages:N0} pages, over the limit of {MaxPages:N0}."));
            }

            var text = new StringBuilder();
            var sections = new List<DocumentSection>();
            foreach (var page in pdf.GetPages())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var pageText = ContentOrderTextExtractor.GetText(page).Trim();
                if (budget.Exceeded)
                {
                    // PdfPig may swallow the filter's exception and carry on with an empty stream.
                    throw new DocumentLoadException("decompression budget spent");
                }

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
        catch (Exception exception) when (budget.Exceeded && exception is not OperationCanceledException)
        {
            throw new DocumentLoadException(
                string.Create(CultureInfo.InvariantCulture, $"'{source}' decompresses to more than {MaxDecompressedBytes:N0} bytes."), exception);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not DocumentLoadException)
        {
            // PdfPig throws many exception types for damaged files; callers need one that says "unreadable document".
            throw new DocumentLoadException($"'{source}' is not a readable PDF: {exception.Message}", exception);
        }
    }
}
