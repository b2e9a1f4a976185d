namespace Agents.Rag;

/// <summary>What the store knows about one ingested file.</summary>
/// <param name="Root">The full path of the folder the file was ingested from.</param>
/// <param name="Source">The file's path relative to <paramref name="Root"/>, with forward slashes.</param>
/// <param name="ContentHash">The SHA-256 of the file's bytes, as lower-case hex.</param>
/// <param name="ByteLength">The file's size in bytes.</param>
/// <param name="IngestedUtc">When the file was (re)ingested.</param>
public sealed record StoredDocument(string Root, string Source, string ContentHash, long ByteLength, DateTimeOffset IngestedUtc);
