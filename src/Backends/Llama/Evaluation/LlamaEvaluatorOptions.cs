using System.ComponentModel.DataAnnotations;

namespace Agents.Backends.Llama;

/// <summary>Options of <see cref="LlamaEvaluator"/>.</summary>
public sealed class LlamaEvaluatorOptions
{
    /// <summary>Gets or sets the longest text scored, in tokens (BOS included); longer texts are refused with <see cref="ContextWindowExceededException"/>.</summary>
    /// <value><see langword="null"/>: the model's context window (<see cref="LlamaModel.ContextWindow"/>).</value>
    [Range(2, 1 << 20)]
    public int? ContextSize { get; set; }

    /// <summary>Gets or sets the CPU threads used; <see langword="null"/>: the model's <see cref="LlamaLoadOptions.Threads"/>.</summary>
    [Range(1, 1024)]
    public int? Threads { get; set; }

    /// <summary>Creates a copy, so an evaluator is unaffected by later changes.</summary>
    /// <returns>The copy.</returns>
    public LlamaEvaluatorOptions Clone() => (LlamaEvaluatorOptions)MemberwiseClone();
}
