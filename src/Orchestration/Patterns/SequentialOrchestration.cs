namespace Agents.Orchestration;

/// <summary>
/// Runs agents one after another: the first answers the conversation, and each next agent gets the previous agent's
/// answer as its user message (draft → review → polish).
/// </summary>
/// <remarks>Itself an <see cref="IAgent"/>, so a sequence can be a route of a router or a stage of another sequence.</remarks>
public sealed class SequentialOrchestration : IAgent
{
    private readonly IAgent[] _agents;

    /// <summary>Creates the sequence.</summary>
    /// <param name="name">The sequence's name.</param>
    /// <param name="agents">The agents, in order; at least one.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or <paramref name="agents"/> is empty or holds null.</exception>
    public SequentialOrchestration(string name, params IEnumerable<IAgent> agents)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(agents);
        _agents = [.. agents];
        if (_agents.Length == 0 || _agents.Any(a => a is null))
        {
            throw new ArgumentException("A sequence needs at least one agent and no null ones.", nameof(agents));
        }

        Name = name;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public string? Description { get; init; }

    /// <summary>Gets the agents, in order.</summary>
    public IReadOnlyList<IAgent> Agents => _agents;

    /// <inheritdoc/>
    /// <remarks>
    /// The result's <see cref="AgentRunResult.Messages"/> are the input conversation plus the last agent's answer (the
    /// intermediate drafts are the stages' business); <see cref="AgentRunResult.Steps"/> and
    /// <see cref="AgentRunResult.Usage"/> add up every stage.
    /// </remarks>
    public async Task<AgentRunResult> RunAsync(IReadOnlyList<Message> conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        IReadOnlyList<Message> input = conversation;
        AgentRunResult? last = null;
        var steps = 0;
        var usage = new Usage();
        foreach (var agent in _agents)
        {
            last = await agent.RunAsync(input, cancellationToken).ConfigureAwait(false);
            steps += last.Steps;
            usage += last.Usage;
            input = [Message.User(last.Text)];
        }

        var answer = Message.Assistant(last!.Text) with { Name = last.AgentName };
        return new AgentRunResult(last.AgentName, [.. conversation, answer], 1) { Steps = steps, Usage = usage };
    }
}
