namespace Agents.Backends.Llama.Grammar;

/// <summary>A GBNF grammar is malformed; <see cref="Line"/> and <see cref="Column"/> say where.</summary>
/// <remarks>
/// Raised by <see cref="GbnfGrammar.Parse"/> before llama.cpp ever sees the text: llama.cpp (as LLamaSharp 0.30.0 runs
/// it) takes the process down on a grammar it cannot parse.
/// </remarks>
public sealed class GbnfSyntaxException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public GbnfSyntaxException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public GbnfSyntaxException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The failure behind it.</param>
    public GbnfSyntaxException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a problem at a position of the grammar text.</summary>
    /// <param name="problem">What is wrong there.</param>
    /// <param name="line">The 1-based line.</param>
    /// <param name="column">The 1-based column.</param>
    public GbnfSyntaxException(string problem, int line, int column)
        : base($"GBNF error at {line}:{column}: {problem}")
    {
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>Gets the 1-based line of the problem.</summary>
    /// <value>0 when the problem has no single position (for example a missing root rule).</value>
    public int Line { get; }

    /// <summary>Gets the 1-based column of the problem.</summary>
    /// <value>0 when the problem has no single position.</value>
    public int Column { get; }

    /// <summary>Gets what is wrong, without the position.</summary>
    public string? Problem { get; }
}
