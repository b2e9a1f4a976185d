namespace Agents.Rag;

/// <summary>A numbered source given to the model: what <c>[n]</c> in its answer refers to.</summary>
public sealed record Citation
{
    /// <summary>Gets the number the model sees, from 1.</summary>
    public required int Number { get; init; }

    /// <summary>Gets the source: the file's path relative to its ingested folder.</summary>
    public required string Source { get; init; }

    /// <summary>Gets the index of the passage's first character in the source document's text.</summary>
    public required int Start { get; init; }

    /// <summary>Gets the index just past the passage's last character.</summary>
    public required int End { get; init; }

    /// <summary>Gets the 1-based page the passage starts on, for paged formats.</summary>
    public int? Page { get; init; }

    /// <summary>Gets the heading path of the passage's section.</summary>
    public string? HeadingPath { get; init; }

    /// <summary>Gets the chunk's stable id.</summary>
    public required string ChunkId { get; init; }

    /// <summary>Gets the passage's text.</summary>
    public required string Text { get; init; }
}
