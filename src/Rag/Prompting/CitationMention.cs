namespace Agents.Rag;

/// <summary>One citation marker found in an answer.</summary>
/// <param name="Number">The number inside the marker.</param>
/// <param name="Citation">The source it refers to, or <see langword="null"/> when no source has that number.</param>
/// <param name="MarkerStart">The index of the marker's <c>[</c> in the answer.</param>
/// <param name="MarkerLength">The marker's length, brackets included.</param>
public sealed record CitationMention(int Number, Citation? Citation, int MarkerStart, int MarkerLength);
