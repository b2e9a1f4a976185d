namespace Agents;

/// <summary>Where <see cref="PromptCachingGenerator"/> ends the stable prefix of a request.</summary>
public enum StablePrefixBoundary
{
    /// <summary>Every message but the last: the next request repeats them all and adds to the end.</summary>
    AllButLastMessage,

    /// <summary>
    /// Up to and including the last assistant message: the messages after it (the newest user turn, tool results)
    /// are not marked stable.
    /// </summary>
    ThroughLastAssistantMessage,
}
