namespace Agents.Rag;

/// <summary>Where a folder ingestion has got to; reported after each file.</summary>
/// <param name="FilesDone">Files processed so far (ingested, unchanged or skipped).</param>
/// <param name="FilesTotal">Files found to process.</param>
/// <param name="CurrentSource">The file just processed.</param>
public sealed record IngestionProgress(int FilesDone, int FilesTotal, string CurrentSource);
