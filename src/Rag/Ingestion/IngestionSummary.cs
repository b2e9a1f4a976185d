namespace Agents.Rag;

/// <summary>What a folder ingestion did.</summary>
public sealed record IngestionSummary
{
    /// <summary>Gets how many files were found (after include and exclude globs).</summary>
    public int FilesFound { get; init; }

    /// <summary>Gets how many files were new to the store.</summary>
    public int Added { get; init; }

    /// <summary>Gets how many stored files had changed and were replaced.</summary>
    public int Updated { get; init; }

    /// <summary>Gets how many files were unchanged (same content hash) and left alone.</summary>
    public int Unchanged { get; init; }

    /// <summary>Gets how many stored files no longer exist and were removed.</summary>
    public int Removed { get; init; }

    /// <summary>Gets how many chunks were written.</summary>
    public int ChunksWritten { get; init; }

    /// <summary>Gets how many bytes of files were read and ingested (unchanged files not counted).</summary>
    public long BytesIngested { get; init; }

    /// <summary>Gets the files passed over, with reasons.</summary>
    public IReadOnlyList<SkippedFile> Skipped { get; init; } = [];

    /// <summary>Gets how long the ingestion took.</summary>
    public TimeSpan Elapsed { get; init; }
}
