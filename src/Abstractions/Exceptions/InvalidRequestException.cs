namespace Agents;

/// <summary>
/// The backend refused the request as invalid (an option it cannot honour, a malformed tool schema, an unknown
/// model). Argument checks that need no backend throw <see cref="ArgumentException"/> instead.
/// </summary>
public sealed class InvalidRequestException : GeneratorException
{
    /// <summary>Creates the exception.</summary>
    public InvalidRequestException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public InvalidRequestException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The failure behind it.</param>
    public InvalidRequestException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets or sets the request parameter at fault, when known.</summary>
    public string? Parameter { get; init; }

    /// <summary>Gets or sets the HTTP status code, for a hosted provider.</summary>
    public int? StatusCode { get; init; }
}
