namespace Agents.Backends.Llama.Scheduling;

/// <summary>What a sequence job reports to the caller awaiting it: text as it is decoded, then the end.</summary>
/// <param name="Update">The update to pass on.</param>
/// <param name="IsFinal">Whether this is the last event.</param>
internal readonly record struct JobEvent(GenerationUpdate Update, bool IsFinal);
