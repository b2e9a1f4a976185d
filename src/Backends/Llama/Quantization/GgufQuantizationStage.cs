namespace Agents.Backends.Llama;

/// <summary>The stages of a quantization, in order.</summary>
public enum GgufQuantizationStage
{
    /// <summary>The source file's header is being read and checked.</summary>
    Validating,

    /// <summary>llama.cpp is quantizing; <see cref="GgufQuantizationProgress.BytesWritten"/> grows as it writes.</summary>
    Quantizing,

    /// <summary>The written file's header is being checked.</summary>
    Verifying,

    /// <summary>The quantized file is complete.</summary>
    Completed,
}
