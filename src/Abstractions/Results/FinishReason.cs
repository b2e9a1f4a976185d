namespace Agents;

/// <summary>Why generation ended.</summary>
public enum FinishReason
{
    /// <summary>The model ended its turn (end-of-sequence token or the provider's natural stop).</summary>
    Stop,

    /// <summary>The <see cref="GenerationOptions.MaxTokens"/> limit (or the context window) was reached.</summary>
    Length,

    /// <summary>One of <see cref="GenerationOptions.StopSequences"/> was produced.</summary>
    StopSequence,

    /// <summary>The model called tools and waits for their results.</summary>
    ToolCalls,

    /// <summary>The provider's content filter stopped the output.</summary>
    ContentFilter,
}
