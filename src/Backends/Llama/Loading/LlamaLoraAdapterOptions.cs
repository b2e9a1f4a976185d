namespace Agents.Backends.Llama;

/// <summary>A LoRA adapter (a GGUF adapter file) applied to generation with a scale.</summary>
public sealed class LlamaLoraAdapterOptions
{
    /// <summary>Gets or sets the path of the adapter's GGUF file.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>Gets or sets how strongly the adapter applies (0 disables it, 1 is full strength).</summary>
    /// <value>1.</value>
    public float Scale { get; set; } = 1f;
}
