namespace Agents.Orchestration;

/// <summary>
/// How an agent keeps the conversation it sends within a token budget: oldest turns are dropped first (optionally
/// summarised by the generator into one message), always whole turns, never the newest one.
/// </summary>
/// <remarks>
/// Trimming goes down to <see cref="TrimTarget"/> of the budget at once, not just under it, so the kept prefix of the
/// prompt then stays the same for several turns and the prefix cache (local KV or a provider's prompt cache) can reuse it.
/// </remarks>
public sealed class AgentMemoryOptions
{
    /// <summary>The default of <see cref="SummaryInstructions"/>.</summary>
    public const string DefaultSummaryInstructions =
        "Summarise the conversation below in a few sentences for the assistant's own memory: keep facts, names, numbers, " +
        "decisions and open questions; drop pleasantries. Write the summary only.";

    /// <summary>Gets or sets the most tokens the instructions and conversation may take in a prompt.</summary>
    /// <value>4,096; at least 16.</value>
    public int TokenBudget { get; set; } = 4096;

    /// <summary>Gets or sets the share of <see cref="TokenBudget"/> a trim goes down to.</summary>
    /// <value>0.75; in (0, 1].</value>
    public double TrimTarget { get; set; } = 0.75;

    /// <summary>Gets or sets whether dropped turns are summarised by the generator into one message kept at the start.</summary>
    /// <value><see langword="false"/>: dropped turns are forgotten.</value>
    public bool SummarizeTrimmedTurns { get; set; }

    /// <summary>Gets or sets the most tokens a summary may take.</summary>
    /// <value>256; at least 16.</value>
    public int SummaryMaxTokens { get; set; } = 256;

    /// <summary>Gets or sets the instructions the generator gets to write a summary.</summary>
    /// <value><see cref="DefaultSummaryInstructions"/>.</value>
    public string SummaryInstructions { get; set; } = DefaultSummaryInstructions;

    /// <summary>Gets or sets the tokenizer that counts tokens.</summary>
    /// <value><see langword="null"/>: the generator's <see cref="ITokenizer"/> (from <c>GetService</c>) when it offers one, else an estimate of one token per four characters.</value>
    public ITokenizer? Tokenizer { get; set; }

    /// <summary>Returns a copy of these options.</summary>
    /// <returns>The copy.</returns>
    public AgentMemoryOptions Clone() => (AgentMemoryOptions)MemberwiseClone();

    internal IEnumerable<string> GetErrors()
    {
        if (TokenBudget < 16)
        {
            yield return $"{nameof(TokenBudget)} must be at least 16; it is {TokenBudget}.";
        }

        if (!(TrimTarget > 0 && TrimTarget <= 1))
        {
            yield return $"{nameof(TrimTarget)} must be in (0, 1]; it is {TrimTarget}.";
        }

        if (SummaryMaxTokens < 16)
        {
            yield return $"{nameof(SummaryMaxTokens)} must be at least 16; it is {SummaryMaxTokens}.";
        }

        if (SummarizeTrimmedTurns && string.IsNullOrWhiteSpace(SummaryInstructions))
        {
            yield return $"{nameof(SummaryInstructions)} must not be empty when {nameof(SummarizeTrimmedTurns)} is on.";
        }
    }
}
