namespace Agents.Rag;

/// <summary>Options of <see cref="RetrievalGenerator"/>.</summary>
public sealed class RetrievalGeneratorOptions
{
    /// <summary>The default <see cref="Instructions"/>.</summary>
    public const string DefaultInstructions =
        "Answer using only the numbered sources below. Cite the sources that support each statement with their numbers "
        + "in square brackets, like [1] or [2][3]. If the sources do not contain the answer, say that you do not know.";

    /// <summary>Gets or sets the retrieval options (top k, mode, filter, MMR).</summary>
    public RetrievalOptions Retrieval { get; set; } = new();

    /// <summary>Gets or sets the most tokens the sources (with the instructions) may take in the prompt.</summary>
    /// <value>2048 by default; at least 1.</value>
    public int ContextTokenBudget { get; set; } = 2048;

    /// <summary>Gets or sets the instructions placed before the sources.</summary>
    /// <value><see cref="DefaultInstructions"/>.</value>
    public string Instructions { get; set; } = DefaultInstructions;

    /// <summary>Gets or sets where the sources go.</summary>
    /// <value><see cref="RetrievalContextPlacement.SystemMessage"/>.</value>
    public RetrievalContextPlacement Placement { get; set; } = RetrievalContextPlacement.SystemMessage;

    /// <summary>Gets or sets the tokenizer that measures the budget.</summary>
    /// <value><see langword="null"/>: the inner generator's <see cref="ITokenizer"/>, else <see cref="TokenEstimate"/>.</value>
    public ITokenizer? Tokenizer { get; set; }

    /// <summary>Gets or sets the guard every retrieved passage passes before it enters the prompt.</summary>
    public IPassageGuard? PassageGuard { get; set; }

    /// <summary>
    /// Gets or sets the content guard (for example the input guards of <c>Agents.Safety</c>) that scores every retrieved
    /// passage for prompt injection before it enters the prompt: a blocked passage is dropped, otherwise the guard's
    /// sanitised text is used. It runs after <see cref="PassageGuard"/>.
    /// </summary>
    /// <value><see langword="null"/> by default: passages are not inspected.</value>
    public IContentGuard? ContentGuard { get; set; }

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Retrieval, nameof(Retrieval));
        ArgumentNullException.ThrowIfNull(Instructions, nameof(Instructions));
        ArgumentOutOfRangeException.ThrowIfLessThan(ContextTokenBudget, 1, nameof(ContextTokenBudget));
        Retrieval.Validate();
    }
}
