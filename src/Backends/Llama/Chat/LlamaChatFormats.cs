namespace Agents.Backends.Llama;

/// <summary>The chat formats the local backend can apply itself when a model's metadata carries no chat template.</summary>
public static class LlamaChatFormats
{
    /// <summary>ChatML: <c>&lt;|im_start|&gt;role\n…&lt;|im_end|&gt;</c> (Qwen, many fine-tunes).</summary>
    public const string ChatML = "chatml";

    /// <summary>Llama 2 chat: <c>&lt;s&gt;[INST] &lt;&lt;SYS&gt;&gt;…&lt;&lt;/SYS&gt;&gt; … [/INST]</c>.</summary>
    public const string Llama2 = "llama2";

    /// <summary>Llama 3 instruct: <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\n…&lt;|eot_id|&gt;</c>.</summary>
    public const string Llama3 = "llama3";

    /// <summary>Phi-3: <c>&lt;|user|&gt;\n…&lt;|end|&gt;\n&lt;|assistant|&gt;\n</c>.</summary>
    public const string Phi3 = "phi3";

    /// <summary>Gemma: <c>&lt;start_of_turn&gt;user\n…&lt;end_of_turn&gt;\n&lt;start_of_turn&gt;model\n</c> (system text joins the first user turn).</summary>
    public const string Gemma = "gemma";

    /// <summary>Mistral instruct (v1): <c>&lt;s&gt;[INST] … [/INST]…&lt;/s&gt;</c> (system text joins the first user turn).</summary>
    public const string Mistral = "mistral";

    /// <summary>Zephyr: <c>&lt;|role|&gt;\n…&lt;/s&gt;\n</c>.</summary>
    public const string Zephyr = "zephyr";

    /// <summary>Gets every known format name.</summary>
    public static IReadOnlyList<string> Names { get; } = [ChatML, Llama2, Llama3, Phi3, Gemma, Mistral, Zephyr];

    /// <summary>Gets whether <paramref name="name"/> is a known format (case-insensitive).</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when known.</returns>
    public static bool IsKnown(string? name) => name is not null && Names.Contains(name, StringComparer.OrdinalIgnoreCase);
}
