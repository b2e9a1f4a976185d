namespace Agents.Rag;

/// <summary>The RAG store could not be used: the file is not a store, or its content is inconsistent with a request.</summary>
public class RagStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RagStoreException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public RagStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The failure behind it.</param>
    public RagStoreException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
