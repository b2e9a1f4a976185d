namespace Agents.Rag;

/// <summary>A file could not be read as a document: it is binary, corrupt, or not the format its name says.</summary>
public sealed class DocumentLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DocumentLoadException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public DocumentLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The failure behind it.</param>
    public DocumentLoadException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
