namespace Agents.Backends.Llama;

/// <summary>What the local backend does when a prompt plus the completion budget does not fit the context window.</summary>
public enum ContextOverflowPolicy
{
    /// <summary>Refuse the request with <see cref="ContextWindowExceededException"/> before decoding.</summary>
    Throw,

    /// <summary>
    /// Drop the oldest conversation turns (never the system messages, never the last message) until it fits; throw
    /// <see cref="ContextWindowExceededException"/> if even that is not enough.
    /// </summary>
    DropOldestTurns,
}
