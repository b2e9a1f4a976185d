namespace Agents.Orchestration;

/// <summary>How a tool call went; every status except <see cref="Succeeded"/> is answered to the model as an error it can act on.</summary>
public enum ToolCallStatus
{
    /// <summary>The tool ran and its output went to the model.</summary>
    Succeeded,

    /// <summary>The model named a tool the agent does not have.</summary>
    UnknownTool,

    /// <summary>The tool exists but is not on the agent's allow-list.</summary>
    NotAllowed,

    /// <summary>The arguments were not JSON, not an object, or did not match the tool's schema.</summary>
    InvalidArguments,

    /// <summary>The tool is dangerous and the confirmation hook declined the call (or there is no hook).</summary>
    Declined,

    /// <summary>The tool did not finish within its time limit.</summary>
    TimedOut,

    /// <summary>The tool threw.</summary>
    Failed,

    /// <summary>The content guard blocked the tool's output from entering the prompt.</summary>
    Blocked,
}
