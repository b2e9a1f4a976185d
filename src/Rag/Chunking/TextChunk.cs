namespace Agents.Rag;

/// <summary>One chunk of a document: a contiguous range of its text, with where it came from.</summary>
public sealed record TextChunk
{
    /// <summary>Gets the chunk's stable id: a hash of the document's source and the chunk's text.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the chunk's 0-based position in its document.</summary>
    public required int Index { get; init; }

    /// <summary>Gets the index of the chunk's first character in <see cref="SourceDocument.Text"/>.</summary>
    public required int Start { get; init; }

    /// <summary>Gets the index just past the chunk's last character.</summary>
    public required int End { get; init; }

    /// <summary>Gets the chunk's text: exactly <c>document.Text[Start..End]</c>.</summary>
    public required string Text { get; init; }

    /// <summary>Gets the chunk's size in tokens, as the chunker counted them.</summary>
    public required int TokenCount { get; init; }

    /// <summary>Gets the 1-based page the chunk starts on, for paged formats.</summary>
    public int? Page { get; init; }

    /// <summary>Gets the heading path of the section the chunk starts in.</summary>
    public string? HeadingPath { get; init; }
}
