namespace Agents.Rag;

/// <summary>The text of one loaded file, with the locations (pages, headings) its parts come from.</summary>
/// <remarks>
/// Character ranges everywhere in the RAG pipeline are indexes into <see cref="Text"/>: for plain text and
/// Markdown that is the file's own text; for HTML it is the visible text; for PDF it is the pages' text joined by
/// blank lines.
/// </remarks>
public sealed class SourceDocument
{
    /// <summary>Creates a document.</summary>
    /// <param name="source">The document's name: its path relative to the ingested folder, with forward slashes.</param>
    /// <param name="text">The document's text.</param>
    /// <param name="sections">The sections, in order and without overlap; empty when the text has no structure.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A section lies outside the text or sections overlap.</exception>
    public SourceDocument(string source, string text, IReadOnlyList<DocumentSection>? sections = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(text);
        sections ??= [];
        var previousEnd = 0;
        foreach (var section in sections)
        {
            if (section.Start < previousEnd || section.End < section.Start || section.End > text.Length)
            {
                throw new ArgumentException(
                    $"Section [{section.Start}, {section.End}) lies outside the text (length {text.Length}) or overlaps the one before.",
                    nameof(sections));
            }

            previousEnd = section.End;
        }

        Source = source;
        Text = text;
        Sections = sections;
    }

    /// <summary>Gets the document's name: its path relative to the ingested folder, with forward slashes.</summary>
    public string Source { get; }

    /// <summary>Gets the document's text.</summary>
    public string Text { get; }

    /// <summary>Gets the sections (pages, headings), in order.</summary>
    public IReadOnlyList<DocumentSection> Sections { get; }

    /// <summary>Finds the section holding the character at <paramref name="position"/>.</summary>
    /// <param name="position">An index into <see cref="Text"/>.</param>
    /// <returns>The section, or <see langword="null"/> when no section holds it.</returns>
    public DocumentSection? SectionAt(int position)
    {
        int low = 0, high = Sections.Count - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var section = Sections[mid];
            if (position < section.Start)
            {
                high = mid - 1;
            }
            else if (position >= section.End)
            {
                low = mid + 1;
            }
            else
            {
                return section;
            }
        }

        return null;
    }
}
