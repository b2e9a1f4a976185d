namespace Agents.Orchestration;

/// <summary>An arithmetic expression could not be evaluated; the message says where and why.</summary>
public sealed class ArithmeticExpressionException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public ArithmeticExpressionException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public ArithmeticExpressionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The failure behind it.</param>
    public ArithmeticExpressionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message and the position of the problem.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="position">The zero-based character position of the problem.</param>
    public ArithmeticExpressionException(string message, int position)
        : base(message)
    {
        Position = position;
    }

    /// <summary>Gets the zero-based character position of the problem.</summary>
    public int Position { get; }
}
