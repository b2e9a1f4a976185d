namespace Agents.Rag;

/// <summary>A file ingestion passed over, and why (unreadable, binary, too large, no loader, a link out of the folder).</summary>
/// <param name="Source">The file's path relative to the ingested folder.</param>
/// <param name="Reason">Why it was skipped, in words.</param>
public sealed record SkippedFile(string Source, string Reason);
