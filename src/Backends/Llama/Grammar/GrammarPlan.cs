namespace Agents.Backends.Llama.Grammar;

/// <summary>The grammar a local request decodes under, and whether its output may be a tool-call object to turn into <see cref="ToolCall"/>s.</summary>
/// <param name="Grammar">The checked grammar.</param>
/// <param name="ParsesToolCalls">Whether the output is read for <see cref="LocalToolCallFormat"/> tool calls.</param>
internal sealed record GrammarPlan(GbnfGrammar Grammar, bool ParsesToolCalls);
