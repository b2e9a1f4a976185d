namespace Agents.Backends.Llama;

/// <summary>What <see cref="GgufQuantizer.QuantizeAsync"/> produced.</summary>
/// <param name="DestinationPath">The full path of the quantized file.</param>
/// <param name="Type">The quantization applied.</param>
/// <param name="SourceBytes">The size of the source file.</param>
/// <param name="DestinationBytes">The size of the quantized file.</param>
/// <param name="Elapsed">How long quantization took.</param>
public sealed record GgufQuantizationResult(
    string DestinationPath,
    GgufQuantizationType Type,
    long SourceBytes,
    long DestinationBytes,
    TimeSpan Elapsed);
