using Microsoft.SemanticKernel;

namespace Agents.Orchestration;

/// <summary>Semantic Kernel functions and plugins as agent tools, and agent tools as Semantic Kernel functions.</summary>
public static class KernelToolExtensions
{
    /// <summary>Makes an agent tool from a Semantic Kernel function (native or prompt); its parameters' schema is SK's.</summary>
    /// <param name="function">The function.</param>
    /// <param name="kernel">The kernel the function runs with (its services, filters), or <see langword="null"/> for an empty one.</param>
    /// <param name="isDangerous">Whether each call needs the user's confirmation.</param>
    /// <param name="timeout">The tool's own time limit per call, or <see langword="null"/> for the agent's.</param>
    /// <returns>The tool, named as the SK function.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is <see langword="null"/>.</exception>
    public static AgentTool AsAgentTool(this KernelFunction function, Kernel? kernel = null, bool isDangerous = false, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        
#pragma warning disable CS0618 // The replacement SK suggests has no plugin-qualified name; this bridge keeps "{plugin}_{function}".
        return AgentTool.FromAIFunction(function.AsAIFunction(kernel), isDangerous, timeout);
#pragma warning restore CS0618
    }

    /// <summary>Makes agent tools from every function of a Semantic Kernel plugin.</summary>
    /// <param name="plugin">The plugin.</param>
    /// <param name="kernel">The kernel the functions run with, or <see langword="null"/> for an empty one.</param>
    /// <returns>One tool per function, named <c>{plugin}_{function}</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plugin"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<AgentTool> AsAgentTools(this KernelPlugin plugin, Kernel? kernel = null)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        return [.. plugin.AsAIFunctions(kernel).Select(f => AgentTool.FromAIFunction(f))];
    }

    /// <summary>Makes a Semantic Kernel plugin from agent tools, so SK prompt functions and agents can call them.</summary>
    /// <param name="tools">The tools.</param>
    /// <param name="pluginName">The plugin's name.</param>
    /// <returns>The plugin.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tools"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="pluginName"/> is empty or not a valid SK plugin name.</exception>
    public static KernelPlugin AsKernelPlugin(this IEnumerable<AgentTool> tools, string pluginName)
    {
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentException.ThrowIfNullOrWhiteSpace(pluginName);
#pragma warning disable SKEXP0001 // AIFunction → KernelFunction is SK's own bridge, marked experimental there.
        return KernelPluginFactory.CreateFromFunctions(pluginName, tools.Select(t => t.Function.AsKernelFunction()));
#pragma warning restore SKEXP0001
    }
}
