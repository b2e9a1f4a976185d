namespace Agents.Orchestration;

/// <summary>
/// Lets agents pass the conversation to one another: an agent that calls its built-in handoff tool
/// (<see cref="AgentTool.Handoff"/>) ends its run, and the agent it named continues the same conversation.
/// </summary>
/// <remarks>
/// Give each agent the handoff tools of the agents it may hand over to:
/// <c>options.Tools.Add(AgentTool.Handoff("billing", "Questions about invoices."))</c>. The conversation is handed over
/// whole, including the handoff call and its result, so the next agent sees why it was called.
/// </remarks>
public sealed class HandoffOrchestration : IAgent
{
    private readonly Dictionary<string, IAgent> _agents;
    private readonly IAgent _entry;

    /// <summary>Creates the orchestration.</summary>
    /// <param name="name">The orchestration's name.</param>
    /// <param name="entry">The agent that answers first; it need not be repeated in <paramref name="agents"/>.</param>
    /// <param name="agents">The agents that may be handed the conversation, by their <see cref="IAgent.Name"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or two agents share a name.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="entry"/> or <paramref name="agents"/> is <see langword="null"/>.</exception>
    public HandoffOrchestration(string name, IAgent entry, params IEnumerable<IAgent> agents)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(agents);
        Name = name;
        _entry = entry;
        _agents = new(StringComparer.Ordinal) { [entry.Name] = entry };
        foreach (var agent in agents)
        {
            ArgumentNullException.ThrowIfNull(agent, nameof(agents));
            if (!ReferenceEquals(agent, entry) && !_agents.TryAdd(agent.Name, agent))
            {
                throw new ArgumentException($"Two agents are named '{agent.Name}'.", nameof(agents));
            }
        }
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public string? Description { get; init; }

    /// <summary>Gets or sets the most handoffs one run may make (a guard against two agents passing the conversation back and forth).</summary>
    /// <value>5; at least 1.</value>
    public int MaxHandoffs
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 5;

    /// <inheritdoc/>
    /// <exception cref="AgentException">An agent handed over to an agent that is not in the orchestration, or the run made more than <see cref="MaxHandoffs"/> handoffs.</exception>
    public async Task<AgentRunResult> RunAsync(IReadOnlyList<Message> conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var current = _entry;
        IReadOnlyList<Message> messages = conversation;
        var steps = 0;
        var usage = new Usage();
        for (var handoffs = 0; ; handoffs++)
        {
            var result = await current.RunAsync(messages, cancellationToken).ConfigureAwait(false);
            steps += result.Steps;
            usage += result.Usage;
            if (result.HandoffTo is not { } target)
            {
                return new AgentRunResult(result.AgentName, result.Messages, result.Messages.Count - conversation.Count) { Steps = steps, Usage = usage };
            }

            if (handoffs + 1 > MaxHandoffs)
            {
                throw new AgentException($"The conversation was handed over more than {MaxHandoffs} times; the last handoff was from '{current.Name}' to '{target}'.")
                {
                    AgentName = current.Name,
                    Transcript = result.Messages,
                };
            }

            if (!_agents.TryGetValue(target, out var next))
            {
                throw new AgentException($"Agent '{current.Name}' handed the conversation to '{target}', which is not part of '{Name}'.")
                {
                    AgentName = current.Name,
                    Transcript = result.Messages,
                };
            }

            current = next;
            messages = result.Messages;
        }
    }
}
