namespace Agents.Backends.Llama;

/// <summary>
/// A progress report of <see cref="GgufQuantizer"/>. llama.cpp's quantizer has no progress callback, so progress
/// within the <see cref="GgufQuantizationStage.Quantizing"/> stage is the size of the output file as it grows,
/// sampled a few times a second; its final size is not known in advance.
/// </summary>
/// <param name="Stage">The current stage.</param>
/// <param name="BytesWritten">Bytes of the output file written so far.</param>
/// <param name="SourceBytes">The size of the source file.</param>
/// <param name="TensorCount">The number of tensors being quantized.</param>
public sealed record GgufQuantizationProgress(GgufQuantizationStage Stage, long BytesWritten, long SourceBytes, int TensorCount);
