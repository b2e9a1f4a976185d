namespace Agents;

/// <summary>A hosted provider or server answered with an error, or the exchange with it failed.</summary>
public class ProviderException : GeneratorException
{
    /// <summary>Creates the exception.</summary>
    public ProviderException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ProviderException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The failure behind it.</param>
    public ProviderException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets or sets the HTTP status code, or <see langword="null"/> when no response came (connection refused, reset, timeout).</summary>
    public int? StatusCode { get; init; }

    /// <summary>Gets or sets the start of the response body (secrets redacted), for diagnosis.</summary>
    public string? BodyExcerpt { get; init; }

    /// <summary>Gets or sets the provider's request id (e.g. <c>x-request-id</c>), for its support desk.</summary>
    public string? RequestId { get; init; }

    /// <summary>Gets or sets the provider's error code or type (e.g. <c>model_not_found</c>, <c>overloaded_error</c>).</summary>
    public string? ErrorCode { get; init; }
}
