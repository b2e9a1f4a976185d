using Microsoft.Extensions.Logging;

namespace Agents.Rag;

/// <summary>Source-generated log messages of <see cref="DocumentIngestor"/>; they name files, never their content.</summary>
internal static partial class IngestionLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Ingested {Source}: {Outcome}, {Chunks} chunks")]
    public static partial void FileIngested(ILogger logger, string source, string outcome, int chunks);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Skipped {Source}: {Reason}")]
    public static partial void FileSkipped(ILogger logger, string source, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Ingested {Root}: {Added} added, {Updated} updated, {Unchanged} unchanged, {Removed} removed, {Skipped} skipped in {ElapsedMs} ms")]
    public static partial void FolderIngested(ILogger logger, string root, int added, int updated, int unchanged, int removed, int skipped, long elapsedMs);
}
