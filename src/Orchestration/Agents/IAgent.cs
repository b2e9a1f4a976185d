namespace Agents.Orchestration;

/// <summary>Anything that answers a conversation as an agent: an <see cref="Agent"/>, or an orchestration of agents.</summary>
/// <remarks>Orchestrations take <see cref="IAgent"/>s, so patterns compose: a router may route to a sequence.</remarks>
public interface IAgent
{
    /// <summary>Gets the agent's name.</summary>
    string Name { get; }

    /// <summary>Gets what the agent is for, shown to routers.</summary>
    string? Description { get; }

    /// <summary>Answers <paramref name="conversation"/>.</summary>
    /// <param name="conversation">The conversation so far, oldest first, without the agent's own instructions.</param>
    /// <param name="cancellationToken">Cancels the run; it then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The answer and the conversation it completes.</returns>
    /// <exception cref="ArgumentException"><paramref name="conversation"/> is empty or holds null.</exception>
    /// <exception cref="GeneratorException">The generator failed, or the run took too many steps (<see cref="MaxStepsExceededException"/>).</exception>
    Task<AgentRunResult> RunAsync(IReadOnlyList<Message> conversation, CancellationToken cancellationToken = default);
}
