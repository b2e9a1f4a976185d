namespace Agents.Rag;

/// <summary>How <see cref="TextChunker"/> cuts documents into chunks.</summary>
public sealed class ChunkingOptions
{
    /// <summary>The smallest <see cref="MaxTokens"/> allowed.</summary>
    public const int MinimumMaxTokens = 16;

    /// <summary>Gets or sets the most tokens a chunk holds.</summary>
    /// <value>256 by default; at least <see cref="MinimumMaxTokens"/>.</value>
    public int MaxTokens { get; set; } = 256;

    /// <summary>Gets or sets how many tokens at the end of one chunk are repeated at the start of the next.</summary>
    /// <value>32 by default; at least 0 and less than half of <see cref="MaxTokens"/>.</value>
    public int OverlapTokens { get; set; } = 32;

    /// <summary>
    /// Gets or sets the tokenizer that counts tokens: the generator's or the embedder's, so chunks fit the model
    /// that reads them.
    /// </summary>
    /// <value>
    /// <see langword="null"/> by default: tokens are estimated by <see cref="TokenEstimate"/> (every run of up to
    /// eight letters or digits, and every other visible character, counts as one token).
    /// </value>
    public ITokenizer? Tokenizer { get; set; }

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public void Validate()
    {
        if (MaxTokens < MinimumMaxTokens)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTokens), MaxTokens, $"{nameof(MaxTokens)} must be at least {MinimumMaxTokens}.");
        }

        if (OverlapTokens < 0 || OverlapTokens * 2 >= MaxTokens)
        {
            throw new ArgumentOutOfRangeException(
                nameof(OverlapTokens), OverlapTokens, $"{nameof(OverlapTokens)} must be at least 0 and less than half of {nameof(MaxTokens)} ({MaxTokens}).");
        }
    }
}
