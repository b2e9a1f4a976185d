namespace Agents.Rag;

/// <summary>Numbered passages fitted into a token budget, ready to put in a prompt.</summary>
/// <param name="Text">The passages, each headed <c>[n] source, page, heading (characters start–end)</c>, in a stable order.</param>
/// <param name="Citations">What each number refers to; <c>Citations[i].Number == i + 1</c>.</param>
/// <param name="TokenCount">The tokens <paramref name="Text"/> takes.</param>
/// <param name="OmittedCount">How many passages did not fit the budget and were left out.</param>
public sealed record AssembledContext(string Text, IReadOnlyList<Citation> Citations, int TokenCount, int OmittedCount);
