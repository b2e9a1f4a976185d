namespace Agents.Backends.Llama;

// The members carry llama.cpp's own names (Q8_0, Q4_K_M), which users search for; underscores are part of them.
#pragma warning disable CA1707

/// <summary>The quantized formats <see cref="GgufQuantizer"/> produces.</summary>
public enum GgufQuantizationType
{
    /// <summary>8-bit blocks of 32 weights (about 8.5 bits per weight): nearly lossless, half the size of F16.</summary>
    Q8_0,

    /// <summary>
    /// 4-bit K-quant super-blocks of 256 weights, medium mix (about 4.8 bits per weight; some tensors kept at 6 bits):
    /// the usual size/quality trade-off for local models.
    /// </summary>
    Q4_K_M,
}
#pragma warning restore CA1707
