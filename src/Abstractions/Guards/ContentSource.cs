namespace Agents;

/// <summary>Where a piece of untrusted text came from before it was to enter a prompt.</summary>
public enum ContentSource
{
    /// <summary>Text an end user typed (a user message).</summary>
    UserInput,

    /// <summary>A passage retrieved from a document store.</summary>
    RetrievedPassage,

    /// <summary>The output of a tool the model called.</summary>
    ToolResult,
}
