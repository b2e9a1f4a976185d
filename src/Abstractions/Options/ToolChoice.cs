namespace Agents;

/// <summary>
/// Constrains tool calling for one request: let the model decide, forbid tools, require a call, or require a call of
/// one named function (OpenAI's <c>tool_choice</c>, Anthropic's <c>tool_choice</c>, M.E.AI's <c>ChatToolMode</c>).
/// </summary>
public sealed record ToolChoice
{
    private ToolChoice(ToolChoiceMode mode, string? functionName)
    {
        Mode = mode;
        FunctionName = functionName;
    }

    /// <summary>Gets the choice that lets the model decide.</summary>
    public static ToolChoice Auto { get; } = new(ToolChoiceMode.Auto, null);

    /// <summary>Gets the choice that forbids tool calls.</summary>
    public static ToolChoice None { get; } = new(ToolChoiceMode.None, null);

    /// <summary>Gets the choice that requires a call of any offered tool.</summary>
    public static ToolChoice Required { get; } = new(ToolChoiceMode.Required, null);

    /// <summary>Gets the mode.</summary>
    public ToolChoiceMode Mode { get; }

    /// <summary>Gets the function the model must call, when <see cref="Mode"/> is <see cref="ToolChoiceMode.Required"/> and one is named.</summary>
    /// <value><see langword="null"/> unless made by <see cref="Function"/>.</value>
    public string? FunctionName { get; }

    /// <summary>Makes the choice that requires a call of the named function.</summary>
    /// <param name="name">The name of one of the offered tools.</param>
    /// <returns>The choice.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    public static ToolChoice Function(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new(ToolChoiceMode.Required, name);
    }
}
