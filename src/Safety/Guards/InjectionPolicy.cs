namespace Agents.Safety.Guards;

/// <summary>What the input guards do with text whose injection score reaches the threshold.</summary>
public enum InjectionPolicy
{
    /// <summary>Let it through, and record the score and findings in the request's and result's metadata.</summary>
    Flag,

    /// <summary>Refuse it: the middleware throws <see cref="ContentBlockedException"/>; retrieval drops the passage.</summary>
    Block,

    /// <summary>Remove the suspicious spans (and invisible characters) and let the rest through.</summary>
    Strip,
}
