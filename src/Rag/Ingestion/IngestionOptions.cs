namespace Agents.Rag;

/// <summary>What <see cref="DocumentIngestor"/> ingests from a folder, and how.</summary>
public sealed class IngestionOptions
{
    /// <summary>Gets the globs of files to ingest (relative paths, <c>**</c>, <c>*</c>, <c>?</c>).</summary>
    /// <value>Empty by default: every file a loader reads.</value>
    public IList<string> Include { get; } = [];

    /// <summary>Gets the globs of files never to ingest; they win over <see cref="Include"/>.</summary>
    /// <value>Version-control, dependency and store folders: <c>**/.git/**</c>, <c>**/node_modules/**</c>, <c>**/.rag/**</c>.</value>
    public IList<string> Exclude { get; } = ["**/.git/**", "**/node_modules/**", "**/.rag/**"];

    /// <summary>Gets or sets the largest file ingested; larger ones are skipped and reported.</summary>
    /// <value>50 MiB by default.</value>
    public long MaxFileBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>
    /// Gets or sets the longest one file may take to load and chunk; a file that takes longer is skipped and reported,
    /// and the rest of the folder goes on (the loader is told to stop through its cancellation token).
    /// </summary>
    /// <value>60 seconds by default; <see cref="Timeout.InfiniteTimeSpan"/> for no limit; at most 24 days.</value>
    public TimeSpan MaxLoadTime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how documents are cut into chunks.</summary>
    public ChunkingOptions Chunking { get; set; } = new();

    /// <summary>Gets or sets the loaders, tried in order by file extension.</summary>
    /// <value><see cref="DocumentLoaders.Default"/>.</value>
    public IReadOnlyList<IDocumentLoader> Loaders { get; set; } = DocumentLoaders.Default;

    /// <summary>Gets or sets how many chunks are sent to the embedder in one call.</summary>
    /// <value>32 by default.</value>
    public int EmbeddingBatchSize { get; set; } = 32;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFileBytes, 1, nameof(MaxFileBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(EmbeddingBatchSize, 1, nameof(EmbeddingBatchSize));
        if (MaxLoadTime != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxLoadTime, TimeSpan.Zero, nameof(MaxLoadTime));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxLoadTime, TimeSpan.FromMilliseconds(int.MaxValue), nameof(MaxLoadTime));
        }
        ArgumentNullException.ThrowIfNull(Chunking, nameof(Chunking));
        ArgumentNullException.ThrowIfNull(Loaders, nameof(Loaders));
        Chunking.Validate();
    }
}
