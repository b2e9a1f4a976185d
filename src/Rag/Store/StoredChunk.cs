namespace Agents.Rag;

/// <summary>A chunk as read back from the store, with the source it belongs to and its embedding, if any.</summary>
public sealed record StoredChunk
{
    /// <summary>Gets the chunk's stable id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the source (the file's path relative to its ingested folder).</summary>
    public required string Source { get; init; }

    /// <summary>Gets the chunk's 0-based position in its document.</summary>
    public required int Index { get; init; }

    /// <summary>Gets the index of the chunk's first character in the document's text.</summary>
    public required int Start { get; init; }

    /// <summary>Gets the index just past the chunk's last character.</summary>
    public required int End { get; init; }

    /// <summary>Gets the chunk's text.</summary>
    public required string Text { get; init; }

    /// <summary>Gets the chunk's size in tokens.</summary>
    public int TokenCount { get; init; }

    /// <summary>Gets the 1-based page the chunk starts on, for paged formats.</summary>
    public int? Page { get; init; }

    /// <summary>Gets the heading path of the section the chunk comes from.</summary>
    public string? HeadingPath { get; init; }

    /// <summary>Gets the chunk's embedding, or <see langword="null"/> when it was ingested without an embedder.</summary>
    public ReadOnlyMemory<float>? Embedding { get; init; }
}
