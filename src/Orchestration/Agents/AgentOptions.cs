namespace Agents.Orchestration;

/// <summary>What an <see cref="Agent"/> is: its instructions, tools, limits and safety settings.</summary>
/// <remarks>The agent copies these options when it is made and validates them once, listing every error.</remarks>
public sealed class AgentOptions
{
    /// <summary>The default of <see cref="MaxSteps"/>.</summary>
    public const int DefaultMaxSteps = 10;

    /// <summary>The default of <see cref="MaxToolOutputLength"/>.</summary>
    public const int DefaultMaxToolOutputLength = 16_000;

    /// <summary>Gets or sets the agent's name (in telemetry, logs, and for routing and handoff).</summary>
    /// <value><c>agent</c>.</value>
    public string Name { get; set; } = "agent";

    /// <summary>Gets or sets what the agent is for, shown to routers and to agents that may hand over to it.</summary>
    /// <value><see langword="null"/>.</value>
    public string? Description { get; set; }

    /// <summary>Gets or sets the instructions sent as the system message before the conversation.</summary>
    /// <value><see langword="null"/>: no system message.</value>
    public string? Instructions { get; set; }

    /// <summary>Gets the tools the agent offers the model.</summary>
    public IList<AgentTool> Tools { get; } = [];

    /// <summary>
    /// Gets or sets the allow-list: the names of the tools this agent may run. Tools not on it are neither offered to the
    /// model nor run if the model asks for them anyway (the model is told the tool is not available).
    /// </summary>
    /// <value><see langword="null"/>: every tool in <see cref="Tools"/> is allowed.</value>
    public ISet<string>? AllowedTools { get; set; }

    /// <summary>
    /// Gets or sets the hook asked before every call of a tool marked <see cref="AgentTool.IsDangerous"/>; it returns
    /// whether the call may run. A declined call is answered to the model as declined.
    /// </summary>
    /// <value><see langword="null"/>: dangerous tools are never run.</value>
    public Func<ToolConfirmationRequest, CancellationToken, ValueTask<bool>>? ConfirmToolCall { get; set; }

    /// <summary>
    /// Gets or sets the guard every tool result passes through before it enters the prompt (tool results are untrusted
    /// input): it may sanitise the text or block it, in which case the model is told the output was withheld.
    /// </summary>
    /// <value><see langword="null"/>: tool results are not inspected.</value>
    public IContentGuard? ContentGuard { get; set; }

    /// <summary>Gets or sets the most generate-then-act steps one run may take before it fails with <see cref="MaxStepsExceededException"/>.</summary>
    /// <value><see cref="DefaultMaxSteps"/>; at least 1.</value>
    public int MaxSteps { get; set; } = DefaultMaxSteps;

    /// <summary>Gets or sets the time limit of one tool call (a tool's own <see cref="AgentTool.Timeout"/> wins).</summary>
    /// <value>30 seconds; positive, or <see cref="Timeout.InfiniteTimeSpan"/>.</value>
    public TimeSpan ToolTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many tool calls of one step run at the same time.</summary>
    /// <value>4; at least 1 (1 runs them one after another).</value>
    public int MaxParallelToolCalls { get; set; } = 4;

    /// <summary>Gets or sets the most characters of one tool result that enter the prompt; longer results are cut with a note.</summary>
    /// <value><see cref="DefaultMaxToolOutputLength"/>; at least 64.</value>
    public int MaxToolOutputLength { get; set; } = DefaultMaxToolOutputLength;

    /// <summary>Gets or sets the options of every generation; the agent adds its tools and a cache hint to a copy.</summary>
    /// <value><see langword="null"/>: the generator's defaults.</value>
    public GenerationOptions? GenerationOptions { get; set; }

    /// <summary>Gets or sets how the conversation is kept within a token budget.</summary>
    /// <value><see langword="null"/>: the whole conversation is sent.</value>
    public AgentMemoryOptions? Memory { get; set; }

    /// <summary>Gets or sets the clock used for tool timeouts.</summary>
    /// <value><see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Returns a copy whose lists are new instances.</summary>
    /// <returns>The copy.</returns>
    public AgentOptions Clone()
    {
        var copy = new AgentOptions
        {
            Name = Name,
            Description = Description,
            Instructions = Instructions,
            AllowedTools = AllowedTools is null ? null : new HashSet<string>(AllowedTools, StringComparer.Ordinal),
            ConfirmToolCall = ConfirmToolCall,
            ContentGuard = ContentGuard,
            MaxSteps = MaxSteps,
            ToolTimeout = ToolTimeout,
            MaxParallelToolCalls = MaxParallelToolCalls,
            MaxToolOutputLength = MaxToolOutputLength,
            GenerationOptions = GenerationOptions?.Clone(),
            Memory = Memory?.Clone(),
            TimeProvider = TimeProvider,
        };
        foreach (var tool in Tools)
        {
            copy.Tools.Add(tool);
        }

        return copy;
    }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">Settings are invalid; the message lists every one.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add($"{nameof(Name)} must not be empty.");
        }

        if (MaxSteps < 1)
        {
            errors.Add($"{nameof(MaxSteps)} must be at least 1; it is {MaxSteps}.");
        }

        if (ToolTimeout <= TimeSpan.Zero && ToolTimeout != Timeout.InfiniteTimeSpan)
        {
            errors.Add($"{nameof(ToolTimeout)} must be positive; it is {ToolTimeout}.");
        }

        if (MaxParallelToolCalls < 1)
        {
            errors.Add($"{nameof(MaxParallelToolCalls)} must be at least 1; it is {MaxParallelToolCalls}.");
        }

        if (MaxToolOutputLength < 64)
        {
            errors.Add($"{nameof(MaxToolOutputLength)} must be at least 64; it is {MaxToolOutputLength}.");
        }

        if (TimeProvider is null)
        {
            errors.Add($"{nameof(TimeProvider)} must not be null.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tool in Tools)
        {
            if (tool is null)
            {
                errors.Add($"{nameof(Tools)} must not hold null.");
            }
            else if (!names.Add(tool.Name))
            {
                errors.Add($"{nameof(Tools)} holds two tools named '{tool.Name}'.");
            }
        }

        if (AllowedTools is not null)
        {
            foreach (var allowed in AllowedTools.Where(a => !names.Contains(a)))
            {
                errors.Add($"{nameof(AllowedTools)} names '{allowed}', which is not in {nameof(Tools)}.");
            }
        }

        if (GenerationOptions?.Tools is { Count: > 0 })
        {
            errors.Add($"{nameof(GenerationOptions)}.{nameof(Agents.GenerationOptions.Tools)} must be empty: the agent sends the definitions of its own {nameof(Tools)}.");
        }

        if (Memory is not null)
        {
            errors.AddRange(Memory.GetErrors().Select(e => $"{nameof(Memory)}.{e}"));
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid agent options: " + string.Join(" ", errors));
        }
    }
}
