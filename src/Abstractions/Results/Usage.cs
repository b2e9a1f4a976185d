namespace Agents;

/// <summary>How many tokens a generation read and wrote.</summary>
public sealed record Usage
{
    /// <summary>Gets the number of prompt tokens read, cached ones included.</summary>
    public int PromptTokens { get; init; }

    /// <summary>Gets the number of tokens generated.</summary>
    public int CompletionTokens { get; init; }

    /// <summary>Gets how many of <see cref="PromptTokens"/> came from a prefix or prompt cache instead of being evaluated.</summary>
    public int CachedPromptTokens { get; init; }

    /// <summary>Gets how many prompt tokens were written into a provider's prompt cache (Anthropic reports this).</summary>
    public int CacheWritePromptTokens { get; init; }

    /// <summary>Gets the sum of prompt and completion tokens.</summary>
    public int TotalTokens => PromptTokens + CompletionTokens;

    /// <summary>Adds two usages, as across the calls of an agent loop.</summary>
    /// <param name="left">The first usage.</param>
    /// <param name="right">The second usage.</param>
    /// <returns>The sum.</returns>
    public static Usage operator +(Usage left, Usage right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new()
        {
            PromptTokens = left.PromptTokens + right.PromptTokens,
            CompletionTokens = left.CompletionTokens + right.CompletionTokens,
            CachedPromptTokens = left.CachedPromptTokens + right.CachedPromptTokens,
            CacheWritePromptTokens = left.CacheWritePromptTokens + right.CacheWritePromptTokens,
        };
    }

    /// <summary>Adds two usages.</summary>
    /// <param name="left">The first usage.</param>
    /// <param name="right">The second usage.</param>
    /// <returns>The sum.</returns>
    public static Usage Add(Usage left, Usage right) => left + right;
}
