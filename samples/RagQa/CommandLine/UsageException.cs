namespace Agents.Samples.RagQa;

/// <summary>The command line is wrong; the message is the one line shown to the user (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
