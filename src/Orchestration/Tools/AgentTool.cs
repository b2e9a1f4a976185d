using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Agents.Orchestration;

/// <summary>
/// A tool an <see cref="Agent"/> may call: a name, a description for the model, the JSON schema of its arguments,
/// and the code that runs. Made from a C# delegate or method (the schema is derived from the signature), from a
/// Microsoft.Extensions.AI <see cref="AIFunction"/>, or from a Semantic Kernel function (see
/// <see cref="KernelToolExtensions"/>).
/// </summary>
/// <remarks>Immutable and safe to share between agents and concurrent runs.</remarks>
public sealed class AgentTool
{
    private AgentTool(AIFunction function, bool isDangerous, TimeSpan? timeout, string? handoffTarget)
    {
        Function = function;
        Definition = new ToolDefinition(
            function.Name,
            string.IsNullOrEmpty(function.Description) ? null : function.Description,
            function.JsonSchema.ValueKind == JsonValueKind.Object ? function.JsonSchema : null);
        if (timeout is { } t && t <= TimeSpan.Zero && t != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), t, $"The timeout of tool '{function.Name}' must be positive.");
        }

        IsDangerous = isDangerous;
        Timeout = timeout;
        HandoffTarget = handoffTarget;
        Validator = ToolArgumentValidator.Create(Definition);
    }

    /// <summary>Gets the tool's name, as the model sees it.</summary>
    public string Name => Definition.Name;

    /// <summary>Gets what the tool does, written for the model.</summary>
    public string? Description => Definition.Description;

    /// <summary>Gets the definition sent to the model: name, description and argument schema.</summary>
    public ToolDefinition Definition { get; }

    /// <summary>Gets whether the tool has effects the user must confirm before each call (see <see cref="AgentOptions.ConfirmToolCall"/>).</summary>
    /// <value><see langword="false"/> unless made with <c>isDangerous: true</c>.</value>
    public bool IsDangerous { get; }

    /// <summary>Gets this tool's own time limit per call.</summary>
    /// <value><see langword="null"/>: the agent's <see cref="AgentOptions.ToolTimeout"/> applies.</value>
    public TimeSpan? Timeout { get; }

    /// <summary>Gets the Microsoft.Extensions.AI function that runs the tool.</summary>
    public AIFunction Function { get; }

    /// <summary>Gets the name of the agent this tool hands the conversation to, for the built-in handoff tools.</summary>
    internal string? HandoffTarget { get; }

    internal ToolArgumentValidator Validator { get; }

    /// <summary>Makes a tool from a delegate; the argument schema is derived from its parameters.</summary>
    /// <param name="method">The code to run: parameters become arguments, the return value (awaited if a task) the result.
    /// A <see cref="CancellationToken"/> parameter receives the call's token (cancelled on timeout).</param>
    /// <param name="name">The tool's name: ASCII letters, digits, '_' or '-'; defaults to the method's name.</param>
    /// <param name="description">What the tool does; defaults to the method's <c>[Description]</c>.</param>
    /// <param name="isDangerous">Whether each call needs the user's confirmation.</param>
    /// <param name="timeout">This tool's own time limit per call, or <see langword="null"/> for the agent's.</param>
    /// <returns>The tool.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="method"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The name has characters a tool name may not have, or the derived schema is unusable.</exception>
    public static AgentTool FromDelegate(Delegate method, string? name = null, string? description = null, bool isDangerous = false, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new(AIFunctionFactory.Create(method, name, description), isDangerous, timeout, null);
    }

    /// <summary>Makes a tool from a method; the argument schema is derived from its parameters.</summary>
    /// <param name="method">The method.</param>
    /// <param name="target">The instance it runs on, or <see langword="null"/> for a static method.</param>
    /// <param name="name">The tool's name; defaults to the method's name.</param>
    /// <param name="description">What the tool does; defaults to the method's <c>[Description]</c>.</param>
    /// <param name="isDangerous">Whether each call needs the user's confirmation.</param>
    /// <param name="timeout">This tool's own time limit per call, or <see langword="null"/> for the agent's.</param>
    /// <returns>The tool.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="method"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The name has characters a tool name may not have, or the derived schema is unusable.</exception>
    public static AgentTool FromMethod(MethodInfo method, object? target, string? name = null, string? description = null, bool isDangerous = false, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        return new(AIFunctionFactory.Create(method, target, name, description), isDangerous, timeout, null);
    }

    /// <summary>Makes a tool from a Microsoft.Extensions.AI function (its name, description and schema are used as they are).</summary>
    /// <param name="function">The function.</param>
    /// <param name="isDangerous">Whether each call needs the user's confirmation.</param>
    /// <param name="timeout">This tool's own time limit per call, or <see langword="null"/> for the agent's.</param>
    /// <returns>The tool.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The function's name is not a valid tool name, or its schema is unusable.</exception>
    public static AgentTool FromAIFunction(AIFunction function, bool isDangerous = false, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new(function, isDangerous, timeout, null);
    }

    /// <summary>Makes the built-in tool with which an agent passes the conversation to <paramref name="targetAgentName"/>.</summary>
    /// <param name="targetAgentName">The agent to hand over to (as named in a <see cref="HandoffOrchestration"/>).</param>
    /// <param name="description">When to hand over, written for the model; a default names the target.</param>
    /// <returns>A tool named <c>transfer_to_&lt;target&gt;</c>, taking no arguments.</returns>
    /// <exception cref="ArgumentException"><paramref name="targetAgentName"/> is empty or not usable in a tool name.</exception>
    public static AgentTool Handoff(string targetAgentName, string? description = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(targetAgentName);
        var function = AIFunctionFactory.Create(
            () => $"Transferred to {targetAgentName}.",
            "transfer_to_" + targetAgentName,
            description ?? $"Hand the conversation over to the agent '{targetAgentName}' when it is better placed to answer.");
        return new(function, isDangerous: false, timeout: null, handoffTarget: targetAgentName);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
