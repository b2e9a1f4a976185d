namespace Agents;

/// <summary>A model file could not be loaded: missing, not a model, truncated, or refused by the runtime.</summary>
public sealed class ModelLoadException : GeneratorException
{
    /// <summary>Creates the exception.</summary>
    public ModelLoadException()
        : this(string.Empty, "unknown")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ModelLoadException(string message)
        : base(message)
    {
        Path = string.Empty;
        Reason = message;
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The failure behind it.</param>
    public ModelLoadException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
        Reason = message;
    }

    /// <summary>Creates the exception for a model file.</summary>
    /// <param name="path">The model's path.</param>
    /// <param name="reason">Why it failed, in words a user can act on.</param>
    /// <param name="innerException">The failure behind it.</param>
    public ModelLoadException(string path, string reason, Exception? innerException = null)
        : base($"Could not load the model '{path}': {reason}", innerException)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>Gets the model's path.</summary>
    public string Path { get; }

    /// <summary>Gets why loading failed.</summary>
    public string Reason { get; }
}
