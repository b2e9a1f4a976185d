namespace Agents;

/// <summary>The base of every failure a generator reports; subtypes carry the data a caller acts on.</summary>
public class GeneratorException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GeneratorException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public GeneratorException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The failure behind it.</param>
    public GeneratorException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets or sets the provider that failed (e.g. "openai", "llama.cpp"), when known.</summary>
    public string? Provider { get; init; }

    /// <summary>Gets whether retrying the same request later may succeed (overload, rate limit, timeout, dropped connection).</summary>
    public virtual bool IsTransient { get; init; }
}
