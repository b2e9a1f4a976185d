using System.Diagnostics.Metrics;

namespace Agents.Safety.Guards;

/// <summary>Options of the input guards: size limits, sanitising, and prompt-injection scoring with its policy.</summary>
public sealed class InputGuardOptions
{
    /// <summary>Gets or sets the most characters the inspected messages may hold together.</summary>
    /// <value><see langword="null"/> (no limit) by default; otherwise at least 1.</value>
    public int? MaxInputCharacters { get; set; }

    /// <summary>Gets or sets the most tokens the inspected messages may hold together.</summary>
    /// <value>
    /// <see langword="null"/> (no limit) by default; otherwise at least 1. Counted with <see cref="Tokenizer"/>, else the
    /// generator chain's <see cref="ITokenizer"/>, else estimated (one token per four characters).
    /// </value>
    public int? MaxInputTokens { get; set; }

    /// <summary>Gets or sets the tokenizer that counts <see cref="MaxInputTokens"/>.</summary>
    /// <value><see langword="null"/>: the generator chain's tokenizer, or the estimate.</value>
    public ITokenizer? Tokenizer { get; set; }

    /// <summary>Gets or sets whether control, zero-width and bidirectional-override characters are removed from the text passed on.</summary>
    /// <value><see langword="true"/> by default.</value>
    public bool RemoveInvisibleCharacters { get; set; } = true;

    /// <summary>Gets or sets the injection score at which <see cref="Policy"/> applies.</summary>
    /// <value>0.5 by default; in (0, 1].</value>
    public double InjectionThreshold { get; set; } = 0.5;

    /// <summary>Gets or sets what happens to user input (and anything without a more specific policy) that reaches the threshold.</summary>
    /// <value><see cref="InjectionPolicy.Block"/> by default.</value>
    public InjectionPolicy Policy { get; set; } = InjectionPolicy.Block;

    /// <summary>Gets or sets the policy for retrieved passages.</summary>
    /// <value><see langword="null"/>: <see cref="Policy"/>. A blocked passage is dropped from the prompt.</value>
    public InjectionPolicy? RetrievedPassagePolicy { get; set; }

    /// <summary>Gets or sets the policy for tool results.</summary>
    /// <value><see langword="null"/>: <see cref="Policy"/>.</value>
    public InjectionPolicy? ToolResultPolicy { get; set; }

    /// <summary>Gets the roles whose messages the middleware inspects.</summary>
    /// <value><see cref="MessageRole.User"/> and <see cref="MessageRole.Tool"/> by default: system and assistant turns are the application's own.</value>
    public ISet<MessageRole> InspectedRoles { get; } = new HashSet<MessageRole> { MessageRole.User, MessageRole.Tool };

    /// <summary>Gets or sets the scorer.</summary>
    /// <value><see cref="PromptInjectionScorer.Default"/>.</value>
    public PromptInjectionScorer Scorer { get; set; } = PromptInjectionScorer.Default;

    /// <summary>Gets or sets whether log events may include the inspected text.</summary>
    /// <value><see langword="false"/> by default.</value>
    public bool EnableSensitiveData { get; set; }

    /// <summary>Gets or sets the meter factory for the guard metrics.</summary>
    /// <value><see langword="null"/>: the services' <see cref="IMeterFactory"/>, else a private meter.</value>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>Gets the policy that applies to text from <paramref name="source"/>.</summary>
    /// <param name="source">Where the text came from.</param>
    /// <returns>The policy.</returns>
    public InjectionPolicy PolicyFor(ContentSource source) => source switch
    {
        ContentSource.RetrievedPassage => RetrievedPassagePolicy ?? Policy,
        ContentSource.ToolResult => ToolResultPolicy ?? Policy,
        _ => Policy,
    };

    /// <summary>Checks the options, reporting every problem at once.</summary>
    /// <exception cref="ArgumentException">One or more options are invalid; the message lists each, naming the option.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (MaxInputCharacters is < 1)
        {
            errors.Add($"{nameof(MaxInputCharacters)}: must be at least 1; it is {MaxInputCharacters}.");
        }

        if (MaxInputTokens is < 1)
        {
            errors.Add($"{nameof(MaxInputTokens)}: must be at least 1; it is {MaxInputTokens}.");
        }

        if (double.IsNaN(InjectionThreshold) || InjectionThreshold is <= 0 or > 1)
        {
            errors.Add($"{nameof(InjectionThreshold)}: must be in (0, 1]; it is {InjectionThreshold}.");
        }

        foreach (var (name, policy) in new[] { (nameof(Policy), (InjectionPolicy?)Policy), (nameof(RetrievedPassagePolicy), RetrievedPassagePolicy), (nameof(ToolResultPolicy), ToolResultPolicy) })
        {
            if (policy is { } p && !Enum.IsDefined(p))
            {
                errors.Add($"{name}: {(int)p} is not an {nameof(InjectionPolicy)}.");
            }
        }

        if (Scorer is null)
        {
            errors.Add($"{nameof(Scorer)}: must not be null.");
        }

        if (InspectedRoles.Count == 0)
        {
            errors.Add($"{nameof(InspectedRoles)}: inspect at least one role.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid input guard options: " + string.Join(" ", errors), nameof(InputGuardOptions));
        }
    }
}
