namespace Agents;

/// <summary>Whether, and how, the model must call one of the offered tools.</summary>
public enum ToolChoiceMode
{
    /// <summary>The model decides whether to call a tool (the default of every provider).</summary>
    Auto,

    /// <summary>The model must not call a tool.</summary>
    None,

    /// <summary>The model must call at least one tool; which one is up to it unless <see cref="ToolChoice.FunctionName"/> names one.</summary>
    Required,
}
