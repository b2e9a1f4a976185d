namespace Agents;

/// <summary>
/// A stream failed after it had already delivered content to the caller, so it could be neither retried nor
/// handed to a fallback without repeating or contradicting what the caller has seen. Carries the text produced
/// so far; the failure itself is the <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class StreamInterruptedException : GeneratorException
{
    /// <summary>Creates the exception.</summary>
    public StreamInterruptedException()
        : this("The stream failed after content had been delivered.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public StreamInterruptedException(string message)
        : base(message)
    {
        PartialText = string.Empty;
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The failure behind it.</param>
    public StreamInterruptedException(string message, Exception? innerException)
        : base(message, innerException)
    {
        PartialText = string.Empty;
    }

    /// <summary>Creates the exception from the text delivered before the failure.</summary>
    /// <param name="partialText">The text the caller has already received.</param>
    /// <param name="updatesDelivered">How many updates the caller has already received.</param>
    /// <param name="innerException">The failure that ended the stream.</param>
    public StreamInterruptedException(string partialText, int updatesDelivered, Exception? innerException)
        : base(
            $"The stream failed after {updatesDelivered} update(s) and {partialText?.Length ?? 0} character(s) had been delivered: {innerException?.Message}",
            innerException)
    {
        PartialText = partialText ?? string.Empty;
        UpdatesDelivered = updatesDelivered;
        Provider = (innerException as GeneratorException)?.Provider;
    }

    /// <summary>Gets the text the caller had already received when the stream failed.</summary>
    public string PartialText { get; }

    /// <summary>Gets how many updates the caller had already received when the stream failed.</summary>
    public int UpdatesDelivered { get; }
}
