namespace Agents.Rag;

/// <summary>
/// The store file was written with a schema this version cannot read: a newer version of the library, or a file
/// that is not a RAG store at all.
/// </summary>
public sealed class RagStoreSchemaException : RagStoreException
{
    /// <summary>Creates the exception.</summary>
    public RagStoreSchemaException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public RagStoreSchemaException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The failure behind it.</param>
    public RagStoreSchemaException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the schema version found in the file, or <see langword="null"/> when it records none.</summary>
    public int? FoundVersion { get; init; }

    /// <summary>Gets the schema version this library reads and writes.</summary>
    public int SupportedVersion { get; init; } = SqliteRagStore.SchemaVersion;
}
