namespace Agents.Backends.Llama.Grammar;

/// <summary>Keys of <see cref="GenerationOptions.AdditionalProperties"/> the local backend reads for constrained decoding.</summary>
public static class LlamaGrammarPropertyNames
{
    /// <summary>
    /// A GBNF grammar (a <see cref="GbnfGrammar"/>, or a string checked with <see cref="GbnfGrammar.Parse"/> and root
    /// <c>root</c>) that the output must follow; it takes the place of <see cref="GenerationOptions.ResponseFormat"/>.
    /// </summary>
    public const string Grammar = "agents.llama.grammar";

    /// <summary>
    /// Whether the model must call a tool when <see cref="GenerationOptions.Tools"/> are declared: <c>"auto"</c> (the
    /// default: a tool call or an answer), <c>"required"</c> (a tool call), <c>"none"</c> (an answer; the tools are not
    /// offered), or a tool's name (a call of that tool).
    /// </summary>
    public const string ToolChoice = "agents.tool_choice";
}
