namespace Agents;

/// <summary>An input guard or a provider's content filter blocked the request or its response.</summary>
public sealed class ContentBlockedException : GeneratorException
{
    /// <summary>Creates the exception.</summary>
    public ContentBlockedException()
        : this("The content was blocked.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ContentBlockedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The failure behind it.</param>
    public ContentBlockedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets or sets the name of the guard or filter that blocked the content.</summary>
    public string? BlockedBy { get; init; }

    /// <summary>Gets or sets the category of the finding (e.g. "prompt-injection", "too-long").</summary>
    public string? Category { get; init; }
}
