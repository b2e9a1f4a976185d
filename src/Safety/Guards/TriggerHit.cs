namespace Agents.Safety.Guards;

/// <summary>One occurrence of a trigger word.</summary>
/// <param name="Trigger">The trigger's index in <see cref="TriggerAutomaton.Triggers"/>.</param>
/// <param name="Start">Where it starts in the text.</param>
/// <param name="Length">Its length.</param>
internal readonly record struct TriggerHit(int Trigger, int Start, int Length);
